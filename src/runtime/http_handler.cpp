// Runtime::handle_http and HttpResponse: the C++ side of the asterai_http_* extensions.
#include "asterai/runtime/http_handler.h"

#include "component_impl.h"
#include "composition_impl.h"
#include "invoke.h"
#include "wasmtime_ext.h"

namespace asterai::runtime {
namespace {

std::string_view view(const uint8_t* data, size_t len) {
  return {reinterpret_cast<const char*>(data), len};
}

const uint8_t* bytes(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

}  // namespace

struct HttpResponse::Impl {
  std::function<void()> wake;
  asterai_http_response_t* raw = nullptr;

  static void wake_trampoline(void* data) { static_cast<Impl*>(data)->wake(); }
};

HttpResponse::HttpResponse(std::function<void()> wake) : impl_(std::make_unique<Impl>()) {
  impl_->wake = std::move(wake);
  impl_->raw = asterai_http_response_new(&Impl::wake_trampoline, impl_.get());
}

// Deleting the response first guarantees no wake runs once the function is gone.
HttpResponse::~HttpResponse() {
  asterai_http_response_delete(impl_->raw);
}

HttpResponse::Head HttpResponse::head(uint16_t* status) const {
  switch (asterai_http_response_head(impl_->raw, status)) {
    case 1:
      return Head::ready;
    case 2:
      return Head::failed;
    case 3:
      return Head::missing;
    default:
      return Head::pending;
  }
}

std::vector<HttpField> HttpResponse::headers() const {
  std::vector<HttpField> out;
  asterai_http_field_t f{};
  for (size_t i = 0; asterai_http_response_field(impl_->raw, i, &f); ++i) {
    out.push_back({std::string(view(f.name, f.name_len)), std::string(view(f.value, f.value_len))});
  }
  return out;
}

std::string HttpResponse::error() const {
  const uint8_t* text = nullptr;
  size_t len = 0;
  asterai_http_response_error(impl_->raw, &text, &len);
  return std::string(view(text, len));
}

HttpResponse::Chunk HttpResponse::next(std::string_view* data) {
  const uint8_t* ptr = nullptr;
  size_t len = 0;
  switch (asterai_http_response_body_poll(impl_->raw, &ptr, &len)) {
    case 0:
      return Chunk::pending;
    case 1:
      *data = view(ptr, len);
      return Chunk::data;
    case 3:
      return Chunk::broken;
    default:
      return Chunk::end;
  }
}

void HttpResponse::abandon() {
  asterai_http_response_body_abandon(impl_->raw);
}

namespace {

CallOutcome not_a_handler(const Component& component) {
  CallOutcome outcome;
  outcome.error = Error{
      ErrorKind::usage, component.label() + " does not export wasi:http/incoming-handler", {}};
  return outcome;
}

// The request as the extension takes it, borrowing from `request`, and the entry point that
// hands it to the guest. Lives until the call's store is gone (the body reader is used until
// then).
class HttpEntry {
 public:
  HttpEntry(const IncomingRequest& request, const HttpResponse::Impl& response)
      : response_(response) {
    fields_.reserve(request.headers.size());
    for (const auto& h : request.headers) {
      fields_.push_back({bytes(h.name), h.name.size(), bytes(h.value), h.value.size()});
    }
    raw_ = {bytes(request.method),
            request.method.size(),
            request.https,
            bytes(request.authority),
            request.authority.size(),
            bytes(request.path_with_query),
            request.path_with_query.size(),
            fields_.data(),
            fields_.size(),
            request.read_body ? &HttpEntry::read : nullptr,
            const_cast<void*>(static_cast<const void*>(&request.read_body))};
  }
  HttpEntry(const HttpEntry&) = delete;
  HttpEntry& operator=(const HttpEntry&) = delete;

  InvocationEntry entry() const {
    return [this](wasmtime_context_t* ctx, const wasmtime_component_instance_t* instance) {
      return asterai_http_handle(ctx, instance, &raw_, response_.raw);
    };
  }

 private:
  static int64_t read(void* data, uint8_t* buf, size_t cap) {
    return (*static_cast<const std::function<int64_t(uint8_t*, size_t)>*>(data))(buf, cap);
  }

  const HttpResponse::Impl& response_;
  std::vector<asterai_http_field_t> fields_;
  asterai_http_request_t raw_{};
};

}  // namespace

CallOutcome Runtime::handle_http(const Component& component, const IncomingRequest& request,
                                 HttpResponse& response, const CallLimits& limits,
                                 const Grants& grants) const {
  if (!component.http_handler()) return not_a_handler(component);
  HttpEntry http(request, *response.impl_);
  return invoke(Invocation{component, 0, {}, limits, grants, nullptr, nullptr, http.entry()});
}

CallOutcome Composition::handle_http(std::string_view member, const IncomingRequest& request,
                                     HttpResponse& response,
                                     std::shared_ptr<const std::atomic<bool>> cancel) const {
  size_t index = impl_->index_of(member);
  if (index >= members_.size()) {
    CallOutcome outcome;
    outcome.error =
        Error{ErrorKind::not_found, "no member named " + std::string(member) + " here", {}};
    return outcome;
  }
  if (!members_[index].component->http_handler()) return not_a_handler(*members_[index].component);
  HttpEntry http(request, *response.impl_);
  return impl_->run(index, 0, {}, nullptr, std::move(cancel), http.entry());
}

}  // namespace asterai::runtime
