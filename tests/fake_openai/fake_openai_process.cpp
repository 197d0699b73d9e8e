#include "fake_openai_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace nadoo::testing {

namespace http = boost::beast::http;

namespace {

// Reads the child's first stdout line, giving up after `timeout`.
std::string read_first_line(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string line;
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) break;
    char bytes[256];
    const auto got = ::read(fd, bytes, sizeof bytes);
    if (got <= 0) break;
    line.append(bytes, static_cast<std::size_t>(got));
  }
  return line.substr(0, line.find('\n'));
}

}  // namespace

std::string FakeOpenAiProcess::script_path() {
  std::string path;
  if (const char* configured = std::getenv("NADOO_FAKE_OPENAI");
      configured != nullptr && *configured != '\0') {
    path = configured;
  } else {
    path = NADOO_FAKE_OPENAI_DEFAULT;
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) path += "/fake_openai_server.py";
  return path;
}

FakeOpenAiProcess::FakeOpenAiProcess(std::vector<std::string> arguments) {
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  std::vector<std::string> command{"/usr/bin/python3", script_path()};
  command.insert(command.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& argument : command) argv.push_back(argument.data());
  argv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ == 0) {
    // The child: only async-signal-safe calls until exec. It dies with the
    // test process, so that a crashed test leaves no server behind.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(pipe_ends[1], STDOUT_FILENO);
    // Nothing else of ours, such as a client socket, may stay open in it.
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_ends[1]);
  if (pid_ < 0) {
    ::close(pipe_ends[0]);
    throw std::runtime_error("cannot start " + command[1]);
  }

  // Python can be slow to start on a loaded machine.
  const auto line = read_first_line(pipe_ends[0], std::chrono::seconds(10));
  ::close(pipe_ends[0]);
  const std::string prefix = "listening on ";
  const auto colon = line.rfind(':');
  if (!line.starts_with(prefix) || colon == std::string::npos) {
    throw std::runtime_error("the fake OpenAI server did not start: '" + line + "'");
  }
  port_ = static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
  base_url_ = line.substr(prefix.size()) + "/v1";
}

FakeOpenAiProcess::~FakeOpenAiProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

std::vector<FakeOpenAiRequest> FakeOpenAiProcess::requests() const {
  boost::asio::io_context io_context;
  boost::asio::ip::tcp::socket socket(io_context);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  http::request<http::empty_body> request{http::verb::get, "/_control/requests", 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::connection, "close");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);

  std::vector<FakeOpenAiRequest> seen;
  const auto document = boost::json::parse(response.body());
  for (const auto& value : document.at("requests").as_array()) {
    const auto& object = value.as_object();
    FakeOpenAiRequest record;
    record.id = static_cast<int>(object.at("id").as_int64());
    record.model = std::string(object.at("model").as_string());
    for (const auto& message : object.at("messages").as_array()) {
      record.messages.emplace_back(std::string(message.at("role").as_string()),
                                   std::string(message.at("content").as_string()));
    }
    record.authorization_present = object.at("authorization_present").as_bool();
    record.client_disconnected = object.at("client_disconnected").as_bool();
    record.completed = object.at("completed").as_bool();
    record.tokens_sent = static_cast<int>(object.at("tokens_sent").as_int64());
    seen.push_back(std::move(record));
  }
  return seen;
}

bool FakeOpenAiProcess::wait_for(const std::function<bool(const std::vector<FakeOpenAiRequest>&)>& condition,
                                 std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition(requests())) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void make_self_signed_certificate(const std::string& directory, const std::string& name,
                                  const std::string& subject_alt_names) {
  const auto command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=" + name +
      " -addext subjectAltName=" + subject_alt_names + " -keyout " + directory + "/" + name + ".key -out " +
      directory + "/" + name + ".pem 2>/dev/null";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl failed: " + command);
}

}  // namespace nadoo::testing
