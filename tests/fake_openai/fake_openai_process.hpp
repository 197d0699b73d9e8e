// Test support: runs tests/fake_openai/fake_openai_server.py as a child
// process and reads what it saw.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace nadoo::testing {

/// What the fake recorded about one chat request (its /_control/requests).
struct FakeOpenAiRequest {
  int id = 0;
  std::string model;
  std::vector<std::pair<std::string, std::string>> messages;  // role, content
  bool authorization_present = false;
  bool client_disconnected = false;
  bool completed = false;
  int tokens_sent = 0;
};

/// The fake upstream, started on a free port of 127.0.0.1 and killed when
/// this object goes. The script is $NADOO_FAKE_OPENAI (the script itself, or
/// the folder holding it), else the build's NADOO_FAKE_OPENAI_DEFAULT.
class FakeOpenAiProcess {
 public:
  /// `arguments` go to the script (e.g. --tls-cert/--tls-key). Throws
  /// std::runtime_error when it does not report its port within 10 s.
  explicit FakeOpenAiProcess(std::vector<std::string> arguments = {});
  ~FakeOpenAiProcess();
  FakeOpenAiProcess(const FakeOpenAiProcess&) = delete;
  FakeOpenAiProcess& operator=(const FakeOpenAiProcess&) = delete;

  unsigned short port() const { return port_; }
  /// `http://127.0.0.1:PORT/v1` (https with TLS arguments).
  std::string base_url() const { return base_url_; }

  /// The requests seen so far (plain HTTP fakes only).
  std::vector<FakeOpenAiRequest> requests() const;
  /// Polls requests() until `condition` holds or `timeout` passes.
  bool wait_for(const std::function<bool(const std::vector<FakeOpenAiRequest>&)>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  static std::string script_path();

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string base_url_;
};

/// A self-signed P-256 certificate and key written by `openssl req` into
/// `directory` as NAME.pem / NAME.key; `subject_alt_names` like
/// "IP:127.0.0.1,DNS:localhost". Throws std::runtime_error when openssl fails.
void make_self_signed_certificate(const std::string& directory, const std::string& name,
                                  const std::string& subject_alt_names);

}  // namespace nadoo::testing
