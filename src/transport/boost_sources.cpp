// The one translation unit that compiles Asio's and Beast's non-template code
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are set
// for the whole project), so that other files include only declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
