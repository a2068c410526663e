#pragma once
// Format rules Clerk applies to identifiers, shared by the operations and by the
// check of a whole loaded state.
#include <optional>
#include <string>

#include "domain/model.hpp"

namespace clerksim {

bool valid_email(const std::string& s);
bool valid_phone(const std::string& s);     // E.164
bool valid_username(const std::string& s);  // after lower-casing
bool valid_slug(const std::string& s);
bool valid_billing_slug(const std::string& s);  // feature and plan slugs
bool valid_domain_name(const std::string& name);  // lower-case, at least two labels
// An organization name may not carry a link or markup.
bool looks_like_url_or_html(const std::string& text);
// Our own slug rule: lower-case the name and turn every run of other characters
// into one '-' ("Acme, Inc." -> "acme-inc"); "organization" when nothing is left.
std::string slugify(const std::string& name, char separator = '-', const std::string& fallback = "organization");

// A problem in a whole state (a fixture): where it is, in JSON-pointer form, and what.
struct StateProblem {
  std::string where;
  std::string what;
};
// Checks what every operation would have guaranteed: unique ids, emails, usernames,
// slugs; memberships pointing at existing users, organizations and roles; roles
// holding existing permissions.
std::optional<StateProblem> find_state_problem(const InstanceState& s);

}  // namespace clerksim
