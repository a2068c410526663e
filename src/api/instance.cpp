#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

namespace {

// The settings body, shared by the BAPI route and the Platform config route.
SettingsPatch read_settings_patch(BodyReader& body) {
  SettingsPatch patch;
  patch.enabled = body.boolean("enabled");
  patch.max_allowed_memberships = body.integer("max_allowed_memberships");
  patch.admin_delete_enabled = body.boolean("admin_delete_enabled");
  patch.domains_enabled = body.boolean("domains_enabled");
  patch.slug_disabled = body.boolean("slug_disabled");
  if (body.has("domains_enrollment_modes")) patch.domains_enrollment_modes = body.strings("domains_enrollment_modes");
  else body.strings("domains_enrollment_modes");
  patch.creator_role_id = body.string("creator_role_id");
  patch.domains_default_role_id = body.string("domains_default_role_id");
  patch.force_organization_selection = body.boolean("force_organization_selection");
  patch.organization_creation_defaults = body.object("organization_creation_defaults");
  return patch;
}

Json platform_config(const Instance& inst, const std::vector<std::string>& keys) {
  Json config = {{"organization_settings", to_wire(inst, inst.organization_settings())}};
  config["organization_settings"].erase("object");
  if (keys.empty()) return config;
  Json picked = Json::object();
  for (const auto& k : keys)
    if (config.contains(k)) picked[k] = config[k];
  return picked;
}

}  // namespace

Response get_instance(Context& cx) { return json_response(instance_to_wire(cx.inst().info())); }

Response get_organization_settings(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().organization_settings()));
}

Response update_organization_settings(Context& cx) {
  BodyReader body(cx.request.body);
  SettingsPatch patch = read_settings_patch(body);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().update_organization_settings(patch)));
}

Response get_platform_config(Context& cx) {
  Json out = platform_config(cx.inst(), QueryReader(cx).list("keys"));
  out["config_version"] = std::to_string(cx.inst().organization_settings().config_version);
  return json_response(out);
}

// Only the organization_settings key is modelled; its fields are those of
// PATCH /v1/instance/organization_settings.
Response patch_platform_config(Context& cx) {
  QueryReader q(cx);
  bool dry_run = q.boolean("dry_run").value_or(false);
  std::string if_match = cx.request.header("If-Match");
  std::string current = std::to_string(cx.inst().organization_settings().config_version);
  if (!if_match.empty() && if_match != current && if_match != "\"" + current + "\"")
    throw ClerkError(409, "conflict", "Conflict",
                     "The config changed since version " + if_match + "; it is now at version " + current + ".");
  BodyReader body(cx.request.body);
  std::optional<Json> section = body.object("organization_settings");
  body.finish();
  Json before = platform_config(cx.inst(), {"organization_settings"});
  SettingsPatch patch;
  if (section) {
    BodyReader inner(section->dump());
    patch = read_settings_patch(inner);
    inner.finish();
  }
  Json after;
  if (dry_run) {
    Instance preview(cx.inst().snapshot(), cx.inst().clock().mode());
    preview.update_organization_settings(patch);
    after = platform_config(preview, {"organization_settings"});
  } else {
    if (section) cx.inst().update_organization_settings(patch);
    after = platform_config(cx.inst(), {"organization_settings"});
  }
  return json_response({{"config_version", std::to_string(cx.inst().organization_settings().config_version)},
                        {"dry_run", dry_run},
                        {"before", before},
                        {"after", after}});
}

}  // namespace clerksim::api
