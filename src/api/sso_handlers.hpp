#pragma once
// BAPI handlers for verified domains and enterprise connections.
#include "core/request.hpp"
#include "wire/context.hpp"

namespace clerksim::api {

// domains.cpp
Response list_organization_domains(Context& cx);
Response create_organization_domain(Context& cx);
Response update_organization_domain(Context& cx);
Response delete_organization_domain(Context& cx);
Response verify_organization_domain_ownership(Context& cx);
Response list_all_organization_domains(Context& cx);

// enterprise_connections.cpp
Response list_enterprise_connections(Context& cx);
Response create_enterprise_connection(Context& cx);
Response get_enterprise_connection(Context& cx);
Response update_enterprise_connection(Context& cx);
Response delete_enterprise_connection(Context& cx);
// the deprecated /saml_connections family, over the same connections
Response list_saml_connections(Context& cx);
Response create_saml_connection(Context& cx);
Response get_saml_connection(Context& cx);
Response update_saml_connection(Context& cx);
Response delete_saml_connection(Context& cx);

}  // namespace clerksim::api
