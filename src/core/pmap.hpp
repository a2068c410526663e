#pragma once
// PMap: an ordered map with value semantics and cheap copies. Copying a PMap costs
// O(1): the copy shares every node with the original, and a write copies only the
// nodes on the path to what it changes (a persistent AVL tree with path copying).
// This is what lets an instance go back to its fixture in constant time and share
// the fixture's objects instead of holding them twice.
//
// Reads are those of std::map (find, lower_bound, in-order iteration, all const).
// Writes are explicit: insert, erase, and mut(key) for a value to change in place.
// A reference obtained from a const read may see the old value after a later write
// to the same key (the write may go to a fresh copy of the node), so a mutating
// operation takes its mutable reference first and reads through it.
//
// Nodes are reference-counted without atomics: a PMap and its copies belong to one
// thread.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace clerksim {

template <class K, class V, class Compare = std::less<>>
class PMap {
  struct Node;

 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<const K, V>;

  // In key order, or in reverse key order.
  template <bool Reverse>
  class basic_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = PMap::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    basic_iterator() = default;
    reference operator*() const { return stack_[depth_ - 1]->kv; }
    pointer operator->() const { return &stack_[depth_ - 1]->kv; }
    basic_iterator& operator++() {
      const Node* n = stack_[--depth_];
      descend(Reverse ? n->left : n->right);
      return *this;
    }
    basic_iterator operator++(int) {
      basic_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const basic_iterator& o) const { return current() == o.current(); }

   private:
    friend class PMap;
    const Node* current() const { return depth_ ? stack_[depth_ - 1] : nullptr; }
    // Pushes n and its chain of first-visited descendants.
    void descend(const Node* n) {
      for (; n; n = Reverse ? n->right : n->left) stack_[depth_++] = n;
    }
    // The path still to visit: the current node on top, below it the ancestors
    // visited after it. An AVL tree of 2^44 nodes is under 64 deep.
    const Node* stack_[64];
    int depth_ = 0;
  };
  using const_iterator = basic_iterator<false>;
  using const_reverse_iterator = basic_iterator<true>;
  using iterator = const_iterator;

  PMap() = default;
  PMap(const PMap& o) : root_(retain(o.root_)), size_(o.size_) {}
  PMap(PMap&& o) noexcept : root_(o.root_), size_(o.size_) { o.root_ = nullptr, o.size_ = 0; }
  PMap& operator=(const PMap& o) {
    if (this != &o) {
      Node* r = retain(o.root_);
      release(root_);
      root_ = r, size_ = o.size_;
    }
    return *this;
  }
  PMap& operator=(PMap&& o) noexcept {
    if (this != &o) {
      release(root_);
      root_ = o.root_, size_ = o.size_;
      o.root_ = nullptr, o.size_ = 0;
    }
    return *this;
  }
  ~PMap() { release(root_); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { release(root_), root_ = nullptr, size_ = 0; }

  // --- reads
  const_iterator begin() const {
    const_iterator it;
    it.descend(root_);
    return it;
  }
  const_iterator end() const { return {}; }
  const_reverse_iterator rbegin() const {
    const_reverse_iterator it;
    it.descend(root_);
    return it;
  }
  const_reverse_iterator rend() const { return {}; }
  const_iterator find(const K& key) const {
    const_iterator it = lower_bound(key);
    return it != end() && !less(key, it->first) ? it : end();
  }
  const_iterator lower_bound(const K& key) const {
    const_iterator it;
    for (const Node* n = root_; n;) {
      if (less(n->kv.first, key)) {
        n = n->right;
      } else {
        it.stack_[it.depth_++] = n;
        n = n->left;
      }
    }
    return it;
  }
  const V* get(const K& key) const {
    const Node* n = root_;
    while (n) {
      if (less(key, n->kv.first)) n = n->left;
      else if (less(n->kv.first, key)) n = n->right;
      else return &n->kv.second;
    }
    return nullptr;
  }
  bool contains(const K& key) const { return get(key) != nullptr; }
  size_t count(const K& key) const { return contains(key) ? 1 : 0; }
  const V& at(const K& key) const {
    if (const V* v = get(key)) return *v;
    throw std::out_of_range("PMap::at");
  }

  // --- writes
  // The value under key, to change in place; null when absent.
  V* find_mut(const K& key) {
    if (!contains(key)) return nullptr;
    Node** p = &root_;
    for (;;) {
      own(*p);
      Node* n = *p;
      if (less(key, n->kv.first)) p = &n->left;
      else if (less(n->kv.first, key)) p = &n->right;
      else return &n->kv.second;
    }
  }
  V& mut(const K& key) {
    if (V* v = find_mut(key)) return *v;
    throw std::out_of_range("PMap::mut");
  }
  // Adds key -> value unless the key is there. Returns the stored value (the old one
  // when the key was present, then mutable too) and whether it was added.
  // Key and value may come from one object (insert(u.id, std::move(u))): the key
  // is copied before the value is moved.
  template <class KK = K, class VV = V>
  std::pair<V*, bool> insert(KK&& k, VV&& v) {
    K key(std::forward<KK>(k));
    if (contains(key)) return {find_mut(key), false};
    V* out = nullptr;
    insert_at(root_, key, V(std::forward<VV>(v)), out);
    ++size_;
    return {out, true};
  }
  // The value under key, default-constructed first when absent.
  V& operator[](const K& key) {
    if (V* v = find_mut(key)) return *v;
    return *insert(key, V{}).first;
  }
  bool erase(const K& key) {
    if (!contains(key)) return false;
    erase_at(root_, key);
    --size_;
    return true;
  }
  // Removes every entry the predicate (key, value) picks; returns how many.
  template <class Pred>
  size_t erase_if(Pred pred) {
    std::vector<K> doomed = keys_where(pred);
    for (const K& k : doomed) erase(k);
    return doomed.size();
  }
  // Calls fn(value&) on every entry the predicate (key, value) picks. Only those
  // entries are copied out of shared nodes.
  template <class Pred, class Fn>
  void update_if(Pred pred, Fn fn) {
    for (const K& k : keys_where(pred)) fn(mut(k));
  }

  // Same entries with equal values. Costs what differs: subtrees the two maps still
  // share are skipped without a look.
  bool operator==(const PMap& o) const { return size_ == o.size_ && same(root_, o.root_); }

 private:
  // The keys the predicate (key, value) picks, read before any of them is written.
  template <class Pred>
  std::vector<K> keys_where(Pred pred) const {
    std::vector<K> out;
    for (const auto& [k, v] : *this)
      if (pred(k, v)) out.push_back(k);
    return out;
  }

  struct Node {
    uint32_t refs = 1;
    int32_t height = 1;
    Node* left = nullptr;
    Node* right = nullptr;
    value_type kv;
    Node(const K& k, V v) : kv(k, std::move(v)) {}
    Node(const Node& o) : height(o.height), left(retain(o.left)), right(retain(o.right)), kv(o.kv) {}
  };

  static bool less(const K& a, const K& b) { return Compare{}(a, b); }
  static Node* retain(Node* n) {
    if (n) ++n->refs;
    return n;
  }
  static void release(Node* n) {
    while (n && --n->refs == 0) {
      release(n->left);
      Node* next = n->right;
      n->left = n->right = nullptr;
      delete n;
      n = next;  // the right spine without recursion
    }
  }
  // Makes *p a node only this tree holds, copying it when shared.
  static void own(Node*& p) {
    if (p->refs == 1) return;
    Node* copy = new Node(*p);
    --p->refs;
    p = copy;
  }
  static int32_t height(const Node* n) { return n ? n->height : 0; }
  static void update(Node* n) { n->height = 1 + std::max(height(n->left), height(n->right)); }
  // Rotations on owned nodes: links move, counts do not change.
  static void rotate_right(Node*& p) {
    Node* l = p->left;
    p->left = l->right;
    update(p);
    l->right = p;
    update(l);
    p = l;
  }
  static void rotate_left(Node*& p) {
    Node* r = p->right;
    p->right = r->left;
    update(p);
    r->left = p;
    update(r);
    p = r;
  }
  // p is owned; its children may have changed height by one.
  static void rebalance(Node*& p) {
    int32_t hl = height(p->left), hr = height(p->right);
    if (hl > hr + 1) {
      own(p->left);
      if (height(p->left->left) < height(p->left->right)) {
        own(p->left->right);
        rotate_left(p->left);
      }
      rotate_right(p);
    } else if (hr > hl + 1) {
      own(p->right);
      if (height(p->right->right) < height(p->right->left)) {
        own(p->right->left);
        rotate_right(p->right);
      }
      rotate_left(p);
    } else {
      update(p);
    }
  }
  // The key is absent.
  static void insert_at(Node*& p, const K& key, V&& value, V*& out) {
    if (!p) {
      p = new Node(key, std::move(value));
      out = &p->kv.second;
      return;
    }
    own(p);
    insert_at(less(key, p->kv.first) ? p->left : p->right, key, std::move(value), out);
    rebalance(p);
  }
  // Detaches the smallest node of a non-empty subtree and returns it, owned.
  static Node* take_min(Node*& p) {
    own(p);
    if (!p->left) {
      Node* m = p;
      p = p->right;
      m->right = nullptr;
      return m;
    }
    Node* m = take_min(p->left);
    rebalance(p);
    return m;
  }
  // The key is present.
  static void erase_at(Node*& p, const K& key) {
    own(p);
    if (less(key, p->kv.first)) {
      erase_at(p->left, key);
    } else if (less(p->kv.first, key)) {
      erase_at(p->right, key);
    } else {
      Node* gone = p;
      const bool relinked = gone->left && gone->right;
      if (!relinked) {
        p = gone->left ? gone->left : gone->right;
      } else {
        Node* m = take_min(gone->right);
        m->left = gone->left;
        m->right = gone->right;
        p = m;
      }
      gone->left = gone->right = nullptr;
      release(gone);
      if (!relinked) return;  // the one child's subtree took its place unchanged
    }
    rebalance(p);
  }
  static bool same(const Node* a, const Node* b) {
    if (a == b) return true;
    if (!a || !b) return false;
    if (!less(a->kv.first, b->kv.first) && !less(b->kv.first, a->kv.first))
      return a->kv.second == b->kv.second && same(a->left, b->left) && same(a->right, b->right);
    // Shaped differently here: compare in order.
    std::vector<const value_type*> xs, ys;
    flatten(a, xs);
    flatten(b, ys);
    if (xs.size() != ys.size()) return false;
    for (size_t i = 0; i < xs.size(); ++i)
      if (less(xs[i]->first, ys[i]->first) || less(ys[i]->first, xs[i]->first) || !(xs[i]->second == ys[i]->second))
        return false;
    return true;
  }
  static void flatten(const Node* n, std::vector<const value_type*>& out) {
    if (!n) return;
    flatten(n->left, out);
    out.push_back(&n->kv);
    flatten(n->right, out);
  }

  Node* root_ = nullptr;
  size_t size_ = 0;
};

// An ordered set with the same cheap copies.
struct PUnit {
  bool operator==(const PUnit&) const = default;
};
template <class K, class Compare = std::less<>>
class PSet {
 public:
  template <class Inner>
  class basic_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = K;
    using difference_type = std::ptrdiff_t;
    using pointer = const K*;
    using reference = const K&;
    basic_iterator() = default;
    explicit basic_iterator(Inner it) : it_(it) {}
    const K& operator*() const { return it_->first; }
    const K* operator->() const { return &it_->first; }
    basic_iterator& operator++() { return ++it_, *this; }
    bool operator==(const basic_iterator& o) const { return it_ == o.it_; }

   private:
    Inner it_;
  };
  using const_iterator = basic_iterator<typename PMap<K, PUnit, Compare>::const_iterator>;
  using const_reverse_iterator = basic_iterator<typename PMap<K, PUnit, Compare>::const_reverse_iterator>;
  using iterator = const_iterator;

  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }
  const_iterator begin() const { return const_iterator(map_.begin()); }
  const_iterator end() const { return const_iterator(map_.end()); }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(map_.rbegin()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(map_.rend()); }
  bool contains(const K& k) const { return map_.contains(k); }
  bool insert(const K& k) { return map_.insert(k, PUnit{}).second; }
  bool erase(const K& k) { return map_.erase(k); }
  bool operator==(const PSet& o) const { return map_ == o.map_; }

 private:
  PMap<K, PUnit, Compare> map_;
};

}  // namespace clerksim
