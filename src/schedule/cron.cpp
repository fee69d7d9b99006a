#include "asterai/schedule/cron.h"

#include <array>
#include <utility>

#include "cron_capi.h"

namespace asterai::schedule {

void Cron::Delete::operator()(asterai_cron_t* cron) const {
  asterai_cron_delete(cron);
}

Cron::Cron(asterai_cron_t* handle, std::string expression, std::string time_zone)
    : handle_(handle), expression_(std::move(expression)), time_zone_(std::move(time_zone)) {}

Result<Cron> Cron::parse(std::string_view expression, std::string_view time_zone) {
  // Messages quote at most 80 characters of the expression, so they fit.
  std::array<char, 1024> message{};
  asterai_cron_t* handle = nullptr;
  if (!asterai_cron_parse(expression.data(), expression.size(), time_zone.data(), time_zone.size(),
                          &handle, message.data(), message.size()))
    return make_error(ErrorKind::invalid_input, message.data());
  return Cron(handle, std::string(expression), time_zone.empty() ? "UTC" : std::string(time_zone));
}

std::optional<std::chrono::sys_seconds> Cron::next_after(std::chrono::sys_seconds t) const {
  int64_t next = 0;
  if (!handle_ || !asterai_cron_next(handle_.get(), t.time_since_epoch().count(), &next))
    return std::nullopt;
  return std::chrono::sys_seconds(std::chrono::seconds(next));
}

}  // namespace asterai::schedule
