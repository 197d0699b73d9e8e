// Asio's TLS code, compiled once like the rest of Asio in
// transport/boost_sources.cpp (BOOST_ASIO_SEPARATE_COMPILATION).
#include <boost/asio/ssl/impl/src.hpp>
