// Fixed-width little-endian values in byte strings (the store's files and
// the index's saved form; the machines leadroute runs on are little-endian).
#ifndef LEADROUTE_UTIL_FIXED_H_
#define LEADROUTE_UTIL_FIXED_H_

#include <cstring>
#include <string>
#include <string_view>

namespace leadroute {

template <typename T>
void PutFixed(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out->append(b, sizeof(T));
}

template <typename T>
T LoadFixed(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Reads a T from the front of *in and drops it; false when *in is too short.
template <typename T>
bool TakeFixed(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_FIXED_H_
