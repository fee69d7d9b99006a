// How long transfers report progress. The CLI draws bars on a terminal; tests and pipes use
// nothing (a null Progress*).
#pragma once

#include <cstdint>
#include <string>

namespace asterai::oci {

class Progress {
 public:
  virtual ~Progress() = default;
  // A transfer of `total` bytes starts (0 when unknown).
  virtual void start(const std::string& label, uint64_t total) = 0;
  virtual void update(uint64_t done) = 0;
  // `skipped`: nothing was transferred (the blob was already there).
  virtual void finish(bool skipped) = 0;
};

}  // namespace asterai::oci
