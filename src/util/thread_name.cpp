#include "util/thread_name.hpp"

#include <pthread.h>

namespace nadoo::util {

void name_this_thread(const char* name) {
  // Fails only for a name past the kernel's 15 characters; the thread then keeps the process's name.
  pthread_setname_np(pthread_self(), name);
}

}  // namespace nadoo::util
