#pragma once
// Filters and sort keys about a person, shared by the user list and the member list.
#include "domain/listing.hpp"
#include "domain/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace clerksim {

bool user_matches_person_filters(const User& u, const std::vector<std::string>& emails,
                                 const std::vector<std::string>& phones, const std::vector<std::string>& usernames,
                                 const std::optional<std::string>& query, const std::optional<std::string>& email_q,
                                 const std::optional<std::string>& phone_q, const std::optional<std::string>& username_q,
                                 const std::optional<std::string>& name_q);

SortValue user_sort_value(const User& u, const std::string& field);

// A *_before / *_after filter pair (both exclusive); an absent value never matches a given bound.
bool within(std::optional<int64_t> value, std::optional<int64_t> before, std::optional<int64_t> after);

}  // namespace clerksim
