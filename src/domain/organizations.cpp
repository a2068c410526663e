#include <algorithm>

#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/rules.hpp"
#include "domain/listing.hpp"

namespace clerksim {

std::string Instance::validated_org_name(const std::string& raw) const {
  std::string name = trim(raw);
  if (name.empty()) throw ClerkError::param_missing("name");
  auto characters = std::count_if(name.begin(), name.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; });
  if (characters > 256)
    throw ClerkError(422, "form_param_max_length_exceeded", "exceeds maximum length",
                     "An organization name may be at most 256 characters long.", {{"param_name", "name"}});
  if (looks_like_url_or_html(name))
    throw ClerkError::param_value("name", "An organization name must not contain a URL or HTML: '" + name + "'.");
  return name;
}

// Generated slugs are numbered when taken: "acme", then "acme-2".
std::string Instance::generate_slug(const std::string& name) const {
  std::string base = slugify(name);
  auto taken = [&](const std::string& s) { return org_by_slug_.contains(s); };
  if (!taken(base)) return base;
  for (int n = 2;; ++n)
    if (!taken(base + "-" + std::to_string(n))) return base + "-" + std::to_string(n);
}

void Instance::require_valid_slug(const std::string& slug, const std::string& except_org) const {
  if (settings_.slug_disabled)
    throw ClerkError(403, "organization_slugs_disabled", "slugs are disabled",
                     "Organization slugs are turned off for this instance, so a slug cannot be set.");
  if (!valid_slug(slug))
    throw ClerkError::param_format("slug", "A slug may hold only lowercase letters, digits and '-': '" + slug + "'.");
  if (const std::string* owner = org_by_slug_.get(slug); owner && *owner != except_org)
    throw ClerkError::identifier_exists("slug", "Another organization already uses the slug '" + slug + "'.");
}

const Organization& Instance::create_organization(const NewOrganization& in) {
  // --- validate
  std::string name = validated_org_name(in.name);
  if (in.slug) require_valid_slug(*in.slug, "");
  if (in.created_by && !find_user(*in.created_by))
    throw ClerkError(400, "organization_creator_not_found", "creator not found",
                     "created_by names no user of this instance: '" + *in.created_by + "'.");
  if (in.max_allowed_memberships && *in.max_allowed_memberships < 0)
    throw ClerkError::param_value("max_allowed_memberships", "max_allowed_memberships must not be negative.");
  const RoleSet* set = in.role_set_key ? find_role_set(*in.role_set_key) : &initial_role_set();
  if (!set) throw ClerkError::param_value("role_set_key", "There is no role set with key '" + *in.role_set_key + "'.");
  require_metadata_objects(in.metadata);
  const std::string creator_role = set->creator_role;

  // --- mutate
  int64_t now = clock_.now_ms();
  Organization o;
  o.id = ids_.next("org");
  o.seq = next_seq();
  o.name = name;
  o.slug = in.slug ? *in.slug : generate_slug(name);
  o.max_allowed_memberships = in.max_allowed_memberships.value_or(settings_.max_allowed_memberships);
  o.admin_delete_enabled = settings_.admin_delete_enabled;
  o.public_metadata = in.metadata.public_metadata.value_or(Json::object());
  o.private_metadata = in.metadata.private_metadata.value_or(Json::object());
  o.created_by = in.created_by;
  o.role_set_key = set->key;
  o.created_at = in.created_at.value_or(now);
  o.updated_at = now;
  const Organization& stored = insert_organization(std::move(o));
  emit(DomainEvent("organization.created", "organization", stored.id, stored.id, std::nullopt));
  if (in.created_by) {
    Membership m;
    m.id = ids_.next("orgmem");
    m.seq = next_seq();
    m.organization_id = stored.id;
    m.user_id = *in.created_by;
    m.role = creator_role;
    m.created_at = m.updated_at = now;
    emit(DomainEvent("organizationMembership.created", "organization_membership", m.id, m.organization_id, m.user_id));
    insert_membership(std::move(m));
  }
  start_default_subscription("org", stored.id, billing_enabled("org"));  // announced only while billing is on
  return stored;
}

const Organization& Instance::insert_organization(Organization o) {
  org_by_slug_.insert(o.slug, o.id);
  const std::string id = o.id;
  return *organizations_.insert(id, std::move(o)).first;
}

void Instance::erase_organization(const std::string& id) {
  if (const Organization* o = organizations_.get(id)) org_by_slug_.erase(o->slug);
  organizations_.erase(id);
}

const Organization* Instance::find_organization(const std::string& id_or_slug) const {
  if (const Organization* o = organizations_.get(id_or_slug)) return o;
  const std::string* id = org_by_slug_.get(id_or_slug);
  return id ? organizations_.get(*id) : nullptr;
}

const Organization& Instance::get_organization(const std::string& id_or_slug) const {
  if (const Organization* o = find_organization(id_or_slug)) return *o;
  throw ClerkError::not_found("organization", id_or_slug);
}

Organization& Instance::organization_ref(const std::string& id_or_slug) {
  return organizations_.mut(get_organization(id_or_slug).id);
}

int64_t Instance::members_count(const std::string& org_id) const {
  return static_cast<int64_t>(members_of(org_id).size());
}


bool Instance::missing_member_with_elevated_permissions(const std::string& org_id) const {
  auto members = members_of(org_id);
  if (members.empty()) return false;
  return std::none_of(members.begin(), members.end(),
                      [&](const Membership* m) { return role_grants(m->role, kManageMembersPermission); });
}

Page<Organization> Instance::list_organizations(const OrganizationQuery& q, const ListWindow& w) const {
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"name", "created_at", "members_count"});
  std::vector<const Organization*> items;
  for (const auto& [id, o] : organizations_) {
    if (!q.organization_id.matches(o.id)) continue;
    if (!q.user_id.empty()) {
      std::vector<std::string> users;
      for (const Membership* m : members_of(o.id)) users.push_back(m->user_id);
      if (!q.user_id.matches_any(users)) continue;
    }
    if (q.query && !q.query->empty() && o.id != *q.query && !contains_ci(o.name, *q.query) &&
        !contains_ci(o.slug, *q.query))
      continue;
    items.push_back(&o);
  }
  order_items(items, order, [&](const Organization& o, const std::string& field) -> SortValue {
    if (field == "name") return to_lower(o.name);
    if (field == "members_count") return members_count(o.id);
    return o.created_at;
  });
  return paginate(items, w.limit, w.offset);
}

const Organization& Instance::update_organization(const std::string& id, const OrganizationPatch& patch) {
  Organization& stored = organization_ref(id);
  Organization o = stored;
  if (patch.name) o.name = validated_org_name(*patch.name);
  if (patch.slug && *patch.slug != stored.slug) {
    require_valid_slug(*patch.slug, stored.id);
    o.slug = *patch.slug;
  }
  if (patch.max_allowed_memberships) {
    if (*patch.max_allowed_memberships < 0)
      throw ClerkError::param_value("max_allowed_memberships", "max_allowed_memberships must not be negative.");
    require_member_limit_editable(stored);
    o.max_allowed_memberships = *patch.max_allowed_memberships;
  }
  if (patch.admin_delete_enabled) o.admin_delete_enabled = *patch.admin_delete_enabled;
  if (patch.created_at) o.created_at = *patch.created_at;
  if (patch.role_set_key && patch.role_set_key != stored.role_set_key) {
    const RoleSet* set = find_role_set(*patch.role_set_key);
    if (!set)
      throw ClerkError::param_value("role_set_key", "There is no role set with key '" + *patch.role_set_key + "'.");
    // Every role held in the organization must exist in the new set; moving
    // members to other roles is what replacing a role set is for.
    for (const Membership* m : members_of(stored.id))
      if (std::find(set->roles.begin(), set->roles.end(), m->role) == set->roles.end())
        throw ClerkError(422, "organization_role_on_set_assigned_to_user", "role is assigned to users",
                         "Members of this organization hold the role " + m->role + ", which role set " + set->key +
                             " does not have. Move them to another role first.",
                         {{"param_name", "role_set_key"}, {"role_key", m->role}});
    o.role_set_key = set->key;
  }
  require_metadata_objects(patch.replace_metadata);
  if (patch.replace_metadata.public_metadata) o.public_metadata = *patch.replace_metadata.public_metadata;
  if (patch.replace_metadata.private_metadata) o.private_metadata = *patch.replace_metadata.private_metadata;
  o.updated_at = clock_.now_ms();
  if (o.slug != stored.slug) {
    org_by_slug_.erase(stored.slug);
    org_by_slug_.insert(o.slug, o.id);
  }
  stored = std::move(o);
  emit(DomainEvent("organization.updated", "organization", stored.id, stored.id, std::nullopt));
  return stored;
}

Organization Instance::delete_organization(const std::string& id) {
  Organization removed = get_organization(id);
  std::vector<MembershipKey> members;
  for (const Membership* m : members_of(removed.id)) members.emplace_back(m->organization_id, m->user_id);
  for (const auto& key : members) erase_membership(key);
  invitations_.erase_if([&](const std::string&, const Invitation& inv) { return inv.organization_id == removed.id; });
  erase_organization(removed.id);
  drop_billing_payer(removed.id);
  drop_sso_organization(removed.id);
  clear_active_organization(removed.id, std::nullopt);
  DomainEvent deleted("organization.deleted", "organization", removed.id, removed.id);
  deleted.deleted = Json{{"object", "organization"}, {"id", removed.id}, {"slug", removed.slug}, {"deleted", true}};
  emit(std::move(deleted));
  return removed;
}

const Organization& Instance::merge_organization_metadata(const std::string& id, const MetadataPatch& patch) {
  Organization& o = organization_ref(id);
  require_metadata_objects(patch);
  if (patch.public_metadata) o.public_metadata = merge_metadata(o.public_metadata, *patch.public_metadata);
  if (patch.private_metadata) o.private_metadata = merge_metadata(o.private_metadata, *patch.private_metadata);
  o.updated_at = clock_.now_ms();
  emit(DomainEvent("organization.updated", "organization", o.id, o.id, std::nullopt));
  return o;
}

const Organization& Instance::replace_organization_metadata(const std::string& id, const MetadataPatch& patch) {
  Organization& o = organization_ref(id);
  require_metadata_objects(patch);
  if (patch.public_metadata) o.public_metadata = *patch.public_metadata;
  if (patch.private_metadata) o.private_metadata = *patch.private_metadata;
  o.updated_at = clock_.now_ms();
  emit(DomainEvent("organization.updated", "organization", o.id, o.id, std::nullopt));
  return o;
}

}  // namespace clerksim
