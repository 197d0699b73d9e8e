// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it, so
// that an operator can tell the network threads from the storage ones.
#pragma once

namespace nadoo::util {

/// At most 15 characters (the kernel's limit).
void name_this_thread(const char* name);

}  // namespace nadoo::util
