#pragma once

#include "ai/openai/openai_provider.hpp"
#include "auth/jwt_verifier.hpp"
#include "config/server_config.hpp"
#include "conversation/chat_request.hpp"
#include "notifications/notification_settings.hpp"

namespace nadoo::app {

/// The parts' own settings, read off the server configuration.
auth::JwtSettings jwt_settings(const config::ServerConfig& config);  // reads the key file
ai::OpenAiSettings openai_settings(const config::ServerConfig& config);
conversation::ChatSettings chat_settings(const config::ServerConfig& config);
notifications::NotificationSettings notification_settings(const config::ServerConfig& config);

}  // namespace nadoo::app
