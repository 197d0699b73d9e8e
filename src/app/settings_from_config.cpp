#include "app/settings_from_config.hpp"

#include "util/text_file.hpp"

namespace nadoo::app {

auth::JwtSettings jwt_settings(const config::ServerConfig& config) {
  auth::JwtSettings settings;
  settings.algorithm = *auth::parse_jwt_algorithm(config.jwt_algorithm);  // validated by the command line
  settings.secret = config.jwt_secret;
  if (!config.jwt_public_key_file.empty())
    settings.public_key_pem = util::read_text_file(config.jwt_public_key_file);
  settings.issuer = config.jwt_issuer;
  settings.audience = config.jwt_audience;
  settings.leeway = std::chrono::seconds(config.jwt_leeway_seconds);
  return settings;
}

ai::OpenAiSettings openai_settings(const config::ServerConfig& config) {
  ai::OpenAiSettings settings;
  settings.default_base_url = config.openai_base_url;
  settings.default_api_key = config.openai_api_key;
  settings.ca_file = config.openai_ca_file;
  settings.connect_timeout = std::chrono::seconds(config.openai_connect_timeout_seconds);
  settings.first_token_timeout = std::chrono::seconds(config.openai_first_token_timeout_seconds);
  settings.idle_timeout = std::chrono::seconds(config.openai_idle_timeout_seconds);
  return settings;
}

conversation::ChatSettings chat_settings(const config::ServerConfig& config) {
  // A catch-up holds at most what the connection's own queue may.
  return conversation::ChatSettings{config.chat_history_budget_characters, config.chat_knowledge_chunks,
                                    config.broker != "memory", config.outbound_queue_limit_bytes};
}

notifications::NotificationSettings notification_settings(const config::ServerConfig& config) {
  constexpr auto day = std::chrono::seconds(24 * 3600);
  notifications::NotificationSettings settings;
  settings.limits = {config.notification_title_max_bytes, config.notification_body_max_bytes,
                     config.notification_action_url_max_bytes, config.notification_data_max_bytes,
                     config.notification_bulk_max_users};
  settings.backlog = {config.notification_backlog_limit, config.notification_backlog_limit_bytes};
  settings.retention = {config.notification_retention_days * day,
                        config.notification_unread_retention_days * day,
                        std::chrono::seconds(config.notification_purge_interval_seconds)};
  return settings;
}

}  // namespace nadoo::app
