#include "asterai/net/stream.h"

namespace asterai::net {

Stream::Stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls)
    : plain_(std::move(socket)) {
  if (tls) tls_ = std::make_unique<TlsStream>(std::move(plain_), *tls);
}

void Stream::cut() {
  boost::system::error_code ec;
  lowest().socket().close(ec);
}

}  // namespace asterai::net
