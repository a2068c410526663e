// Webhook signatures: the published Svix example, computed independently of this code.
#include <gtest/gtest.h>

#include "auth/webhooks.hpp"

using namespace clerksim;

TEST(WebhookSignature, MatchesTheKnownVector) {
  EXPECT_EQ(webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                              R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, PrefixIsOptionalAndBodyMatters) {
  auto with = webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{}");
  EXPECT_EQ(with, webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{}"));
  EXPECT_NE(with, webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{ }"));
  EXPECT_NE(with, webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 2, "{}"));
}

TEST(WebhookSignature, MalformedSecretsAreRefused) {
  EXPECT_FALSE(webhook_key("whsec_not-base64!").has_value());
  EXPECT_FALSE(webhook_key("whsec_").has_value());
  EXPECT_FALSE(webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS").has_value());  // unpadded length
  EXPECT_THROW(webhook_signature("whsec_", "msg_1", 1, "{}"), std::invalid_argument);
}
