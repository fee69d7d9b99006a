#include "secret_input.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <iterator>

namespace asterai::cli {
namespace {

// Restores the terminal's echo when it goes out of scope, however the read ends.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

}  // namespace

Result<std::string> read_secret_value(const std::string& name) {
  std::string value;
  if (::isatty(STDIN_FILENO)) {
    std::cerr << "value for " << name << " (not echoed): " << std::flush;
    EchoOff quiet;
    std::getline(std::cin, value);
    std::cerr << "\n";
  } else {
    value.assign(std::istreambuf_iterator<char>(std::cin), {});
    // One trailing newline is how `echo` and here-strings end a value, not part of it.
    if (value.ends_with("\r\n"))
      value.resize(value.size() - 2);
    else if (value.ends_with("\n"))
      value.pop_back();
  }
  if (value.empty())
    return make_error(ErrorKind::usage,
                      "no value for secret " + name +
                          " on stdin (pipe it in, or run on a terminal to be prompted)");
  return value;
}

}  // namespace asterai::cli
