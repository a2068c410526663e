#pragma once
// Clerk's JSON for verified domains, enterprise connections (and their deprecated
// SAML view), enterprise accounts and organization suggestions; their event
// payloads; and their part of the fixture format.
#include "domain/instance.hpp"

#include <string>

namespace clerksim {

Json to_wire(const Instance& inst, const OrganizationDomain& d);
Json to_wire(const Instance& inst, const OrganizationSuggestion& s);
// `server_url`: where clients reach this server; the SAML and OIDC endpoints are built from it.
Json connection_to_wire(const Instance& inst, const EnterpriseConnection& c, const std::string& server_url);
Json saml_connection_to_wire(const Instance& inst, const EnterpriseConnection& c, const std::string& server_url);
Json enterprise_accounts_to_wire(const Instance& inst, const User& u);
// `data` of an organizationDomain.* event.
Json sso_event_data(const Instance& inst, const DomainEvent& e);

// The fixture keys organization_domains, enterprise_connections, enterprise_accounts
// and organization_suggestions, gathered in one object. `state` holds the users and
// organizations loaded so far.
SsoState load_sso_fixture(const Json& parts, IdGenerator& ids, int64_t now, const InstanceState& state);
Json dump_sso_fixture(const SsoState& s);
inline const std::vector<std::string>& sso_fixture_keys() {
  static const std::vector<std::string> keys = {"organization_domains", "enterprise_connections",
                                                "enterprise_accounts", "organization_suggestions"};
  return keys;
}

}  // namespace clerksim
