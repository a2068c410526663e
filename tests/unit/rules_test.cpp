// The format rules agree with the regular expressions that define them, on strings
// made of the characters that matter to each rule.
#include "domain/rules.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <regex>
#include <string>

namespace clerksim {
namespace {

rc::Gen<std::string> text_of(const std::string& alphabet) {
  return rc::gen::container<std::string>(rc::gen::elementOf(alphabet));
}

bool matches(const std::string& pattern, const std::string& s) { return std::regex_match(s, std::regex(pattern)); }

RC_GTEST_PROP(Rules, EmailsFollowTheirPattern, ()) {
  const auto s = *text_of("aZ9.-_+@!");
  RC_ASSERT(valid_email(s) ==
            matches(R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$)",
                    s));
}

RC_GTEST_PROP(Rules, PhonesAreE164, ()) {
  const auto s = *text_of("+0159a");
  RC_ASSERT(valid_phone(s) == matches(R"(^\+[1-9][0-9]{6,14}$)", s));
}

RC_GTEST_PROP(Rules, UsernamesAndSlugsFollowTheirPatterns, ()) {
  const auto s = *text_of("az09_.-A ");
  RC_ASSERT(valid_username(s) == matches(R"(^[a-z0-9_.-]{1,64}$)", s));
  RC_ASSERT(valid_slug(s) == matches(R"(^[a-z0-9-]+$)", s));
  RC_ASSERT(valid_billing_slug(s) == matches(R"(^[a-z0-9][a-z0-9_-]*$)", s));
}

RC_GTEST_PROP(Rules, DomainNamesFollowTheirPattern, ()) {
  const auto s = *text_of("az09-.");
  RC_ASSERT(valid_domain_name(s) ==
            (s.size() <= 253 &&
             matches(R"(^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$)", s)));
}

RC_GTEST_PROP(Rules, LinksAndMarkupAreSpotted, ()) {
  const auto s = *text_of("aW:/.<>");
  RC_ASSERT(looks_like_url_or_html(s) == std::regex_search(s, std::regex(R"((://|www\.|<[^>]*>))", std::regex::icase)));
}

TEST(Rules, LongInputsAreJudgedWithoutTrouble) {
  std::string huge(200000, 'a');
  EXPECT_FALSE(valid_email(huge));
  EXPECT_TRUE(valid_email(huge + "@example.com"));
  EXPECT_FALSE(valid_domain_name(huge + ".com"));  // a label of more than 63 characters
  EXPECT_TRUE(valid_domain_name("a-b.example.co"));
  EXPECT_FALSE(valid_domain_name("example.1com"));
}

}  // namespace
}  // namespace clerksim
