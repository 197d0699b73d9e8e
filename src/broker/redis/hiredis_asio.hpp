#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

struct redisAsyncContext;

namespace nadoo::broker::redis {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

/// Drives a hiredis async context from `strand` through hiredis's event
/// hooks (addRead, delRead, addWrite, delWrite, cleanup): Asio waits for the
/// socket to be readable or writable and calls redisAsyncHandleRead/Write on
/// the strand, so hiredis never blocks and never runs on two threads. The
/// socket stays hiredis's: it is released, never closed, when hiredis frees
/// the context. Call on the strand, right after redisAsyncConnect.
void drive_with_asio(redisAsyncContext* context, const Strand& strand);

}  // namespace nadoo::broker::redis
