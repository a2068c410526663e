#pragma once
// Instance: all state of one Clerk instance, every operation a method, every rule here.
// No HTTP, no wire format. Each mutating method validates everything first and only
// then changes state, so an operation that throws leaves no trace.
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/pmap.hpp"
#include "domain/model.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace clerksim {

// A field of a PATCH body: absent (nullopt), explicitly null (inner nullopt), or a value.
template <class T>
using Nullable = std::optional<std::optional<T>>;

// limit/offset/order_by of every list. order_by is "[+|-]field"; empty = the list's default.
struct ListWindow {
  int64_t limit = 10;
  int64_t offset = 0;
  std::string order_by;
};

// A repeated id filter whose values may carry "+" (keep) or "-" (drop).
struct IdFilter {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  void add(const std::string& raw);
  bool matches(const std::string& value) const;
  bool matches_any(const std::vector<std::string>& values) const;
  bool empty() const { return include.empty() && exclude.empty(); }
};

struct MetadataPatch {
  std::optional<Json> public_metadata;
  std::optional<Json> private_metadata;
  std::optional<Json> unsafe_metadata;  // users only
};

struct NewUser {
  std::optional<std::string> external_id, first_name, last_name, locale, username, password;
  std::vector<std::string> email_addresses, email_address_statuses;
  std::vector<std::string> phone_numbers, phone_number_statuses;
  bool skip_password_checks = false;
  bool skip_password_requirement = false;
  MetadataPatch metadata;
  std::optional<bool> delete_self_enabled, create_organization_enabled, banned, locked;
  std::optional<int64_t> create_organizations_limit, created_at, legal_accepted_at;
};

struct UserPatch {
  Nullable<std::string> external_id, first_name, last_name, locale, username;
  Nullable<std::string> primary_email_address_id, primary_phone_number_id;
  std::optional<std::string> password;
  bool skip_password_checks = false;
  std::optional<bool> delete_self_enabled, create_organization_enabled;
  Nullable<int64_t> create_organizations_limit, legal_accepted_at;
  std::optional<int64_t> created_at;
  MetadataPatch replace_metadata;  // only on API versions before 2026-05-12
};

struct UserQuery {
  std::vector<std::string> email_address, phone_number, username;
  IdFilter user_id, external_id, organization_id;
  std::optional<std::string> query, email_address_query, phone_number_query, username_query, name_query;
  std::optional<bool> banned;
  std::optional<int64_t> created_at_before, created_at_after;
  std::optional<int64_t> last_active_at_before, last_active_at_after;
  std::optional<int64_t> last_sign_in_at_before, last_sign_in_at_after;
};

struct NewOrganization {
  std::string name;
  std::optional<std::string> slug, created_by, role_set_key;
  std::optional<int64_t> max_allowed_memberships, created_at;
  MetadataPatch metadata;
};

struct OrganizationPatch {
  std::optional<std::string> name, slug, role_set_key;
  std::optional<int64_t> max_allowed_memberships, created_at;
  std::optional<bool> admin_delete_enabled;
  MetadataPatch replace_metadata;  // only on API versions before 2026-05-12
};

struct OrganizationQuery {
  std::optional<std::string> query;
  IdFilter user_id, organization_id;
};

struct MembershipQuery {
  IdFilter user_id;
  std::vector<std::string> email_address, phone_number, username, role;
  std::optional<std::string> query, email_address_query, phone_number_query, username_query, name_query;
  std::optional<int64_t> created_at_before, created_at_after;          // the user's
  std::optional<int64_t> last_active_at_before, last_active_at_after;  // the user's
};

struct NewPermission {
  std::string name, key;
  std::optional<std::string> description;
};

struct PermissionPatch {
  std::optional<std::string> name, key, description;
};

struct NewRole {
  std::string name, key;
  std::optional<std::string> description;
  std::vector<std::string> permission_ids;
  bool include_in_initial_role_set = false;
};

struct RolePatch {
  std::optional<std::string> name, key, description;
  std::optional<std::vector<std::string>> permission_ids;  // given: replaces the whole set
};

struct NewRoleSet {
  std::string name;
  std::optional<std::string> key, description, type;
  std::string default_role_key, creator_role_key;
  std::vector<std::string> role_keys;
};

struct RoleSetPatch {
  std::optional<std::string> name, key, description, type, default_role_key, creator_role_key;
};

struct SettingsPatch {
  std::optional<bool> enabled, admin_delete_enabled, domains_enabled, slug_disabled, force_organization_selection;
  std::optional<int64_t> max_allowed_memberships;
  std::optional<std::vector<std::string>> domains_enrollment_modes;
  std::optional<std::string> creator_role_id, domains_default_role_id;
  std::optional<Json> organization_creation_defaults;
};

struct NewInvitation {
  std::string email_address, role;
  std::optional<std::string> inviter_user_id, redirect_url;
  std::optional<int64_t> expires_in_days;
  MetadataPatch metadata;
};

struct InvitationQuery {
  std::vector<std::string> status;  // any of these (derived status)
  std::optional<std::string> email_address, query;
};

struct Acceptance {
  const Invitation* invitation;
  const Membership* membership;
  const User* user;
};

// Something that happened, for the event log (and the webhooks built from it).
// It names what changed; the wire layer renders the payload right away.
struct DomainEvent {
  DomainEvent(std::string type_, std::string object_kind_, std::string id_,
              std::optional<std::string> org_id_ = std::nullopt, std::optional<std::string> user_id_ = std::nullopt)
      : type(std::move(type_)), object_kind(std::move(object_kind_)), id(std::move(id_)),
        org_id(std::move(org_id_)), user_id(std::move(user_id_)) {}

  std::string type;         // e.g. "organizationInvitation.created"
  std::string object_kind;  // "organization", "organization_membership", "organization_invitation", "user", "session"
  std::string id;           // the object's id (for memberships: the membership id)
  std::optional<std::string> org_id, user_id;  // to find a membership
  std::optional<Json> deleted;                 // for *.deleted: the DeletedObject body, as the object is gone
  std::optional<Membership> membership;        // a removed membership, rendered whole
};

struct SessionQuery {
  std::optional<std::string> user_id, client_id, status;
};

// What a session token says at the moment it is minted; encoding it is auth/'s job.
struct OrgClaims {
  std::string id, slug, role;            // role key, e.g. "org:admin"
  std::vector<std::string> permissions;  // custom permission keys only: system ones never reach a token
};

struct SessionClaims {
  std::string user_id, session_id, status;  // status: "active" | "pending"
  std::optional<OrgClaims> org;
  std::vector<std::string> org_features, user_features;  // feature keys, no scope
  std::vector<std::string> org_plans, user_plans;
  int64_t first_factor_age_minutes = 0;
};

class Instance {
 public:
  // Builds the instance from a state (a loaded fixture or a dump). The id generator
  // continues from state.id_counter; the clock starts at state.clock_ms when frozen.
  Instance(InstanceState state, ClockMode mode);
  // Copies are cheap: an instance and its copies share every object neither has
  // changed since (see core/pmap.hpp). A reset is a copy of the instance as built.
  Instance(const Instance&) = default;
  Instance(Instance&&) = default;
  Instance& operator=(const Instance&) = default;
  Instance& operator=(Instance&&) = default;
  // The instance as it was built from its state, before any request: what a reset
  // returns to. Costs nothing, whatever the size of the instance.
  Instance fresh() const;
  // A fresh instance answering to another secret key (automatic tenancy): the key
  // becomes part of what it was built from, so its resets keep it.
  Instance fresh_for_key(const std::string& secret_key) const;
  // Whether this instance holds the same state as `other` (a copy taken earlier):
  // what a refused request must leave as it was. Costs what differs.
  bool same_state(const Instance& other) const;

  // --- the instance itself
  const InstanceInfo& info() const { return info_; }
  const OrganizationSettings& organization_settings() const { return settings_; }
  Clock& clock() { return clock_; }
  const Clock& clock() const { return clock_; }
  std::string next_trace_id() { return traces_.next_hex(); }
  InstanceState snapshot() const;

  // --- users
  const User& create_user(const NewUser& in);
  const User& get_user(const std::string& id) const;
  const User* find_user(const std::string& id) const;
  std::vector<const User*> list_users(const UserQuery& q, const ListWindow& w) const;
  int64_t count_users(const UserQuery& q) const;
  const User& update_user(const std::string& id, const UserPatch& patch);
  void delete_user(const std::string& id);
  const User& merge_user_metadata(const std::string& id, const MetadataPatch& patch);
  const User& replace_user_metadata(const std::string& id, const MetadataPatch& patch);

  // --- organizations
  const Organization& create_organization(const NewOrganization& in);
  const Organization& get_organization(const std::string& id_or_slug) const;
  Page<Organization> list_organizations(const OrganizationQuery& q, const ListWindow& w) const;
  const Organization& update_organization(const std::string& id, const OrganizationPatch& patch);
  Organization delete_organization(const std::string& id);
  const Organization& merge_organization_metadata(const std::string& id, const MetadataPatch& patch);
  const Organization& replace_organization_metadata(const std::string& id, const MetadataPatch& patch);
  int64_t members_count(const std::string& org_id) const;
  int64_t pending_invitations_count(const std::string& org_id) const;
  // true when no member holds org:sys_memberships:manage although the org has members
  bool missing_member_with_elevated_permissions(const std::string& org_id) const;

  // --- memberships (addressed by organization + user, as Clerk's paths are)
  const Membership& add_membership(const std::string& org_id, const std::string& user_id,
                                   const std::string& role, const MetadataPatch& metadata = {});
  const Membership& update_membership_role(const std::string& org_id, const std::string& user_id,
                                           const std::string& role);
  const Membership& merge_membership_metadata(const std::string& org_id, const std::string& user_id,
                                              const MetadataPatch& patch);
  Membership remove_membership(const std::string& org_id, const std::string& user_id);
  Page<Membership> list_memberships(const std::string& org_id, const MembershipQuery& q,
                                    const ListWindow& w) const;
  Page<Membership> list_all_memberships(const ListWindow& w) const;
  const Membership* find_membership(const std::string& org_id, const std::string& user_id) const;
  Page<Membership> list_user_memberships(const std::string& user_id, const ListWindow& w) const;

  // --- invitations (invitations.cpp)
  // One or more invitations, all or nothing (the bulk endpoint takes at most 10).
  std::vector<const Invitation*> create_invitations(const std::string& org_id, const std::vector<NewInvitation>& in,
                                                    bool bulk);
  const Invitation& get_invitation(const std::string& org_id, const std::string& invitation_id) const;
  const Invitation* find_invitation(const std::string& invitation_id) const;
  Page<Invitation> list_invitations(const std::string& org_id, const InvitationQuery& q, const ListWindow& w) const;
  Page<Invitation> list_all_invitations(const InvitationQuery& q, const ListWindow& w) const;
  Page<Invitation> list_user_invitations(const std::string& user_id, const InvitationQuery& q,
                                         const ListWindow& w) const;
  const Invitation& revoke_invitation(const std::string& org_id, const std::string& invitation_id,
                                      const std::optional<std::string>& requesting_user_id);
  // What the invitee does in the browser: sign up (or in) through the invitation.
  Acceptance accept_invitation(const std::string& invitation_id, const std::optional<std::string>& user_id);
  std::string invitation_status(const Invitation& inv) const;
  static std::string invitation_ticket(const std::string& invitation_id);
  static std::optional<std::string> invitation_from_ticket(const std::string& ticket);

  // --- events
  // Events since the last call, in order; the caller renders them and hands them
  // back to record_event, which keeps the instance's event log.
  std::vector<DomainEvent> take_events();
  void record_event(Json rendered) { event_log_.insert(event_log_.size(), std::move(rendered)); }
  // Oldest first, keyed by position in the log (0, 1, ...).
  const PMap<uint64_t, Json>& event_log() const { return event_log_; }
  void clear_event_log() { event_log_.clear(); }
  // Event ids ("msg_..."), from their own seeded stream so they never move resource ids.
  std::string next_event_id() { return event_ids_.next("msg"); }
  // After a reset the event ids go on from where the old instance was, so an app
  // that keeps svix-ids to drop duplicates never mistakes a new event for an old one.
  uint64_t event_counter() const { return event_ids_.counter(); }
  void continue_events(uint64_t counter) { event_ids_ = IdGenerator(event_ids_.seed(), counter); }

  // --- webhook endpoints (webhooks.cpp), in the order they were added
  const std::vector<WebhookEndpoint>& webhook_endpoints() const { return endpoints_; }
  const WebhookEndpoint& add_webhook_endpoint(const std::string& url, const std::vector<std::string>& events,
                                              const std::string& secret);
  const WebhookEndpoint& get_webhook_endpoint(const std::string& id) const;
  void remove_webhook_endpoint(const std::string& id);
  // The secret that signs deliveries to the endpoint: its own, else the instance's.
  const std::string& endpoint_secret(const WebhookEndpoint& endpoint) const;

  // --- sessions (sessions.cpp)
  const Session& create_session(const std::string& user_id, const std::optional<std::string>& active_org);
  const Session& get_session(const std::string& id) const;
  Page<Session> list_sessions(const SessionQuery& q, const ListWindow& w) const;
  const Session& revoke_session(const std::string& id);
  // What the browser does: sign out of the session (ended) or remove it from the
  // client's session list (removed). Sessions already over stay as they are.
  const Session& end_session(const std::string& id);
  const Session& remove_session(const std::string& id);
  // The browser's "switch organization": the user must be a member. nullopt clears it.
  const Session& set_active_organization(const std::string& session_id, const std::optional<std::string>& org);
  std::string session_status(const Session& s) const;              // what Clerk reports now
  std::vector<std::string> session_tasks(const Session& s) const;  // e.g. {"choose-organization"}
  // The claims of a token minted now; refuses sessions that can no longer mint.
  SessionClaims session_claims(const std::string& session_id) const;

  // --- organization settings (roles.cpp)
  const OrganizationSettings& update_organization_settings(const SettingsPatch& patch);
  const RoleSet& initial_role_set() const;
  const std::string& creator_role() const { return initial_role_set().creator_role; }

  // --- permissions (roles.cpp)
  Page<Permission> list_permissions(const std::optional<std::string>& query, const ListWindow& w) const;
  const Permission& create_permission(const NewPermission& in);
  const Permission& get_permission(const std::string& id) const;
  const Permission& update_permission(const std::string& id, const PermissionPatch& patch);
  Permission delete_permission(const std::string& id);
  const Permission* find_permission_by_key(const std::string& key) const;

  // --- roles (roles.cpp)
  Page<Role> list_roles(const std::optional<std::string>& query, const ListWindow& w) const;
  const Role& create_role(const NewRole& in);
  const Role& get_role_by_id(const std::string& id) const;
  const Role& update_role(const std::string& id, const RolePatch& patch);
  Role delete_role(const std::string& id);
  const Role& assign_permission(const std::string& role_id, const std::string& permission_id);
  const Role& remove_permission(const std::string& role_id, const std::string& permission_id);
  const Role* find_role(const std::string& key) const;
  const Role& get_role(const std::string& key, const std::string& param = "role") const;  // 404 naming param
  std::vector<std::string> role_permissions(const std::string& key) const;
  bool is_creator_eligible(const Role& role) const;

  // --- role sets (roles.cpp)
  Page<RoleSet> list_role_sets(const std::optional<std::string>& query, const ListWindow& w) const;
  const RoleSet& create_role_set(const NewRoleSet& in);
  const RoleSet& get_role_set(const std::string& key_or_id) const;
  const RoleSet& update_role_set(const std::string& key_or_id, const RoleSetPatch& patch);
  const RoleSet& add_roles_to_role_set(const std::string& key_or_id, const std::vector<std::string>& role_keys,
                                       const std::optional<std::string>& default_role_key,
                                       const std::optional<std::string>& creator_role_key);
  const RoleSet& replace_role_in_role_set(const std::string& key_or_id, const std::string& role_key,
                                          const std::string& to_role_key);
  RoleSet replace_role_set(const std::string& key_or_id, const std::string& dest_key,
                           const std::map<std::string, std::string>& mappings);
  int64_t role_members_count(const std::string& role_key, const std::string& role_set_key) const;

  // --- billing (billing.cpp)
  const BillingSettings& billing_settings() const { return billing_; }
  const BillingSettings& update_billing_settings(std::optional<bool> organizations, std::optional<bool> users);
  bool billing_enabled(const std::string& payer_type) const;         // "org" | "user"
  void require_billing_enabled(const std::string& payer_type) const;  // 403 billing_not_enabled
  const Feature& create_feature(const NewFeature& in);
  const Feature* find_feature(const std::string& slug) const;
  std::vector<const Feature*> plan_features(const Plan& plan) const;
  const Plan& create_plan(const NewPlan& in);
  const Plan* find_plan(const std::string& id) const;
  Page<Plan> list_plans(const std::optional<std::string>& payer_type, const ListWindow& w) const;
  // A completed checkout: the payer's current item ends and one for the plan starts now.
  const Subscription& subscribe(const std::string& payer_type, const std::string& owner_id, const Checkout& in);
  const Subscription& get_payer_subscription(const std::string& payer_type, const std::string& owner_id) const;
  const Subscription* find_subscription(const std::string& id) const;
  std::vector<const SubscriptionItem*> subscription_items(const std::string& subscription_id) const;
  Page<SubscriptionItem> list_subscription_items(const SubscriptionItemQuery& q, const ListWindow& w) const;
  const SubscriptionItem* find_subscription_item(const std::string& id) const;
  const SubscriptionItem& cancel_subscription_item(const std::string& id, bool end_now);
  const SubscriptionItem& extend_free_trial(const std::string& id, int64_t extend_to_ms);
  // Time passed: renewals, period ends of canceled items, free trials ending.
  void advance_billing();
  // The plan a payer holds now, when billing is on for its type.
  const Plan* active_plan(const std::string& payer_type, const std::string& owner_id) const;
  // The member cap in force: the seats of a seat-limited plan, else the organization's own.
  int64_t member_limit(const Organization& org) const;
  bool member_limit_managed_by_billing(const Organization& org) const;
  // The role's permissions, less custom ones whose feature the organization's plan lacks.
  std::vector<std::string> membership_permissions(const Membership& m) const;

  // --- verified domains (domains.cpp)
  const OrganizationDomain& create_organization_domain(const std::string& org_id, const NewOrganizationDomain& in);
  const OrganizationDomain& get_organization_domain(const std::string& org_id, const std::string& domain_id) const;
  const OrganizationDomain* find_organization_domain(const std::string& domain_id) const;
  Page<OrganizationDomain> list_organization_domains(const std::string& org_id, const OrganizationDomainQuery& q,
                                                     const ListWindow& w) const;
  Page<OrganizationDomain> list_all_organization_domains(const OrganizationDomainQuery& q, const ListWindow& w) const;
  const OrganizationDomain& update_organization_domain(const std::string& org_id, const std::string& domain_id,
                                                       const OrganizationDomainPatch& patch);
  OrganizationDomain delete_organization_domain(const std::string& org_id, const std::string& domain_id);
  const OrganizationDomain& verify_domain_ownership(const std::string& org_id, const std::string& domain_id);
  // What a member does by entering the emailed code: the affiliation becomes verified.
  const OrganizationDomain& verify_domain_affiliation(const std::string& domain_id);
  int64_t domain_pending_invitations(const OrganizationDomain& d) const;
  int64_t domain_pending_suggestions(const OrganizationDomain& d) const;
  Page<OrganizationSuggestion> list_user_suggestions(const std::string& user_id, const ListWindow& w) const;
  const OrganizationSuggestion& accept_suggestion(const std::string& suggestion_id);
  // The role members joining through a verified domain get.
  std::string domain_default_role(const Organization& org) const;

  // --- enterprise SSO (sso.cpp)
  const EnterpriseConnection& create_enterprise_connection(const ConnectionInput& in);
  // By its id, or by the id of its SAML side (the deprecated /saml_connections routes).
  const EnterpriseConnection& get_enterprise_connection(const std::string& id) const;
  const EnterpriseConnection* find_enterprise_connection(const std::string& id) const;
  Page<EnterpriseConnection> list_enterprise_connections(const ConnectionQuery& q, const ListWindow& w,
                                                         bool saml_only = false) const;
  const EnterpriseConnection& update_enterprise_connection(const std::string& id, const ConnectionInput& in);
  EnterpriseConnection delete_enterprise_connection(const std::string& id);
  // What the browser and the IdP do together: sign in (or up) through the connection
  // matching the email's domain.
  SsoSignIn sign_in_with_sso(const IdpSignIn& in);
  std::vector<const EnterpriseAccount*> enterprise_accounts(const std::string& user_id) const;
  // The active connection a sign-in with this address would use, if any.
  const EnterpriseConnection* connection_for_email(const std::string& email) const;
  bool matches_sso_connection(const std::string& email) const { return connection_for_email(email) != nullptr; }
  int64_t connection_user_count(const EnterpriseConnection& c) const;

 private:
  using MembershipKey = std::pair<std::string, std::string>;  // (organization id, user id)
  using MembershipMap = PMap<MembershipKey, Membership>;

  User& user_ref(const std::string& id);
  Organization& organization_ref(const std::string& id_or_slug);
  Membership& membership_ref(const std::string& org_id, const std::string& user_id);
  std::vector<const Membership*> members_of(const std::string& org_id) const;
  const Organization* find_organization(const std::string& id_or_slug) const;
  bool role_grants(const std::string& role, const std::string& permission) const;
  Role& role_ref_by_id(const std::string& id);
  RoleSet& role_set_ref(const std::string& key_or_id);
  void demote_initial_role_set(int64_t now);
  const RoleSet* find_role_set(const std::string& key_or_id) const;
  const RoleSet& role_set_of(const Organization& org) const;
  void require_role_in_set(const Organization& org, const std::string& role) const;
  void require_creator_eligible(const std::string& role_key) const;
  void require_roles_quota() const;
  void require_membership_manager_remains(const Membership& m, const std::string* new_role) const;
  void require_metadata_objects(const MetadataPatch& patch) const;
  void require_unique_identifiers(const std::vector<std::string>& emails,
                                  const std::optional<std::string>& username,
                                  const std::optional<std::string>& external_id,
                                  const std::vector<std::string>& phones, const std::string& except_user) const;
  std::string generate_slug(const std::string& name) const;
  void require_valid_slug(const std::string& slug, const std::string& except_org) const;
  std::string validated_org_name(const std::string& raw) const;
  uint64_t next_seq() { return ++seq_; }
  // Every change to memberships_ goes through these two, which keep member_order_.
  const Membership& insert_membership(Membership m);
  void erase_membership(const MembershipKey& key);
  // Organizations enter and leave organizations_ through these two, which keep org_by_slug_
  // (update_organization keeps it on a slug change).
  const Organization& insert_organization(Organization o);
  void erase_organization(const std::string& id);
  // The organizations a user belongs to, by id.
  std::vector<std::string> organizations_of(const std::string& user_id) const;
  // Users enter and leave users_ through these two, which keep users_by_email_.
  const User& insert_user(User u);
  void erase_user(const std::string& id);

  InstanceInfo info_;
  OrganizationSettings settings_;
  Clock clock_;
  IdGenerator ids_;
  IdGenerator traces_;  // separate stream: failed requests must not move resource ids
  IdGenerator event_ids_;
  uint64_t seq_ = 0;

  PMap<std::string, Permission> permissions_;  // by id
  PMap<std::string, Role> roles_;              // by id
  PMap<std::string, RoleSet> role_sets_;       // by id
  PMap<std::string, User> users_;              // by id
  PMap<std::string, std::set<std::string>> users_by_email_;  // lowercased address -> user ids
  PMap<std::string, Organization> organizations_;  // by id
  PMap<std::string, std::string> org_by_slug_;     // slug -> organization id
  MembershipMap memberships_;
  // Each organization's members by (created_at, insertion order, user id): the
  // unfiltered membership list of an organization pages through it without sorting.
  PMap<std::string, PSet<std::tuple<int64_t, uint64_t, std::string>>> member_order_;
  PMap<std::string, Session> sessions_;  // by id
  PMap<std::string, Invitation> invitations_;  // by id
  std::vector<DomainEvent> events_;
  PMap<uint64_t, Json> event_log_;
  std::shared_ptr<const Instance> origin_;  // this instance as built (see fresh())
  std::vector<WebhookEndpoint> endpoints_;

  void emit(DomainEvent e) { events_.push_back(std::move(e)); }
  void require_member_manager(const Organization& org, const std::string& user_id) const;
  bool status_wanted(const InvitationQuery& q, const Invitation& inv) const;

  Session& session_ref(const std::string& id);
  // Sessions whose active organization is gone (or no longer theirs) lose it.
  void clear_active_organization(const std::string& org_id, const std::optional<std::string>& user_id);

  // billing (billing.cpp)
  BillingSettings billing_;
  PMap<std::string, Feature> features_;              // by id
  PMap<std::string, Plan> plans_;                    // by id
  PMap<std::string, Subscription> subscriptions_;    // by id
  PMap<std::string, SubscriptionItem> items_;        // by id
  void load_billing(const BillingState& state);
  BillingState billing_snapshot() const;
  Subscription& ensure_subscription(const std::string& payer_type, const std::string& owner_id, bool announce);
  void start_default_subscription(const std::string& payer_type, const std::string& owner_id, bool announce);
  void drop_billing_payer(const std::string& owner_id);
  void require_member_limit_editable(const Organization& org) const;
  void apply_billing_claims(SessionClaims& c) const;
  const Plan* default_plan(const std::string& payer_type) const;
  Subscription* subscription_of(const std::string& owner_id);
  const Subscription* subscription_of(const std::string& owner_id) const;
  SubscriptionItem* current_item(const std::string& subscription_id);
  const SubscriptionItem* current_item(const std::string& subscription_id) const;
  SubscriptionItem* upcoming_item(const std::string& subscription_id);
  SubscriptionItem& start_item(Subscription& sub, const Plan& plan, const std::string& period,
                               std::optional<int64_t> seats, bool free_trial, int64_t start, bool upcoming);
  void emit_item(const std::string& type, const SubscriptionItem& item);
  void emit_subscription(const std::string& type, const Subscription& sub);
  bool advance_subscription(Subscription& sub, int64_t now);

  // verified domains and enterprise SSO (domains.cpp, sso.cpp)
  PMap<std::string, OrganizationDomain> domains_;          // by id
  PMap<std::string, OrganizationSuggestion> suggestions_;  // by id
  PMap<std::string, EnterpriseConnection> connections_;    // by id
  PMap<std::string, EnterpriseAccount> accounts_;          // by id
  void load_sso(const SsoState& state);
  SsoState sso_snapshot() const;
  OrganizationDomain& domain_ref(const std::string& org_id, const std::string& domain_id);
  void require_domain_verifiable(const OrganizationDomain& d) const;
  void enroll_user_by_domains(const std::string& user_id);  // a user was created
  void enroll_domain(const OrganizationDomain& d);           // a domain became verified or changed mode
  void offer_membership(const OrganizationDomain& d, const User& u, const std::string& email);
  void drop_pending_enrollment(const OrganizationDomain& d);
  void drop_sso_organization(const std::string& org_id);
  void drop_sso_user(const std::string& user_id);
  void require_connection_valid(const EnterpriseConnection& c) const;
};

// The nine system permissions and the two default roles every instance starts with.
std::vector<Permission> default_system_permissions(IdGenerator& ids, int64_t now_ms);
std::vector<Role> default_roles(IdGenerator& ids, int64_t now_ms);

// Deep merge where null deletes a key at any depth (RFC 7396).
Json merge_metadata(const Json& stored, const Json& patch);

// The initial role set an instance starts with, holding the two default roles.
RoleSet default_role_set(IdGenerator& ids, int64_t now_ms, const std::vector<Role>& roles);

constexpr const char* kManageMembersPermission = "org:sys_memberships:manage";
// A creator role must hold all three (Clerk's minimum for the organization's creator).
inline const std::vector<std::string>& creator_minimum_permissions() {
  static const std::vector<std::string> keys = {"org:sys_memberships:manage", "org:sys_memberships:read",
                                                "org:sys_profile:delete"};
  return keys;
}

}  // namespace clerksim
