// A parsed request head as the handlers see it (message.h): the target percent-decoded into
// path and query, header names lower-cased. Apart from the connection, so that what a client
// sends is decoded the same way in tests and fuzzing, without a socket.
#pragma once

#include <boost/beast/http/message.hpp>
#include <optional>

#include "http/message.h"

namespace asterai::registry::http {

Request decode_request(const boost::beast::http::request_header<>& head,
                       std::optional<uint64_t> content_length, bool tls);

}  // namespace asterai::registry::http
