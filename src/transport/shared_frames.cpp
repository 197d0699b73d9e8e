#include "transport/shared_frames.hpp"

#include <algorithm>
#include <cstring>

#include "transport/rfc6455/frame_header.hpp"

namespace nadoo::transport {
namespace {

struct Chunk {
  explicit Chunk(std::size_t capacity) : bytes(new char[capacity]), capacity(capacity) {}
  std::unique_ptr<char[]> bytes;
  const std::size_t capacity;
};

/// What one thread appends to, and the frame it made last.
struct ThreadFrames {
  std::shared_ptr<Chunk> chunk;
  std::size_t used = 0;  // of chunk: written by this thread only, never read by another
  hub::SharedText last_payload;  // held, so that its address is never another payload's
  FrameBytes last_frame;
};

thread_local ThreadFrames frames_of_this_thread;

}  // namespace

const FrameBytes& SharedFrames::text_frame(const hub::SharedText& payload) {
  auto& frames = frames_of_this_thread;
  if (frames.last_payload == payload) return frames.last_frame;
  const auto header = rfc6455::server_frame_header(rfc6455::Opcode::text, payload->size());
  const std::size_t size = header.size + payload->size();
  if (!frames.chunk || frames.chunk->capacity - frames.used < size) {
    frames.chunk = std::make_shared<Chunk>(std::max(chunk_bytes, size));
    frames.used = 0;
  }
  char* at = frames.chunk->bytes.get() + frames.used;
  std::memcpy(at, header.bytes.data(), header.size);
  std::memcpy(at + header.size, payload->data(), payload->size());
  frames.used += size;
  frames.last_payload = payload;
  frames.last_frame = FrameBytes{frames.chunk, frames.chunk->capacity, at, size};
  return frames.last_frame;
}

}  // namespace nadoo::transport
