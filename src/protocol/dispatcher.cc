#include "protocol/dispatcher.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "protocol/json_writer.h"
#include "protocol/method_table.h"
#include "util/secret.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace leadroute::protocol {

namespace od = simdjson::ondemand;

namespace {

constexpr std::string_view kNullId = "null";

// Where the first byte of `line` past spaces, tabs and carriage returns
// stands (line.size() for a blank line).
std::size_t FirstNonBlank(std::string_view line) {
  std::size_t first = 0;
  while (first < line.size() &&
         (line[first] == ' ' || line[first] == '\t' || line[first] == '\r')) {
    ++first;
  }
  return first;
}

// The longest line run beside others: pipelined reads are short, and the
// parsers that read them keep the size of the longest line they met.
constexpr std::size_t kMaxParallelLine = 16 << 10;

// Writes `{"jsonrpc":"2.0","id":<id>,` — the common head of every response.
void WriteHead(std::string_view id_json, std::string* out) {
  static constexpr std::string_view kHead = R"({"jsonrpc":"2.0","id":)";
  out->append(kHead);
  out->append(id_json);
  out->push_back(',');
}

// `more` writes further fields of data, after "field".
void WriteErrorBody(int code, std::string_view message, std::string_view field,
                    std::string* out,
                    const std::function<void(JsonWriter&)>& more = nullptr) {
  JsonWriter w(out);
  out->append(R"("error":)");
  w.BeginObject();
  w.Field("code", static_cast<std::int64_t>(code));
  w.Field("message", message);
  if (!field.empty()) {
    w.Key("data");
    w.BeginObject();
    w.Field("field", field);
    if (more) more(w);
    w.EndObject();
  }
  w.EndObject();
  out->push_back('}');
}

void WriteErrorResponse(std::string_view id_json, int code,
                        std::string_view message, std::string_view field,
                        std::string* out) {
  WriteHead(id_json, out);
  WriteErrorBody(code, message, field, out);
}

// The first member `name` of a fresh (not yet iterated) `obj`, matched by
// its unescaped key: find_field_unordered() compares keys as written, and
// missed "p\u0061rams", which is "params". NO_SUCH_FIELD if none.
simdjson::error_code FindMember(od::object& obj, std::string_view name, od::value* out) {
  for (auto item : obj) {
    od::field field;
    std::string_view key;
    if (const auto error = std::move(item).get(field); error != simdjson::SUCCESS) return error;
    if (const auto error = field.unescaped_key().get(key); error != simdjson::SUCCESS) {
      return error;
    }
    if (key == name) {
      *out = field.value();
      return simdjson::SUCCESS;
    }
  }
  return simdjson::NO_SUCH_FIELD;
}

// An id (string, integer or null) as JSON in *id_json; false for any
// other value. Any whole number a 64-bit integer holds, signed or not
// (2^64 - 1 was refused as "not an integer"); "-0" is answered as 0.
bool ReadId(simdjson::dom::element v, std::string* id_json) {
  id_json->clear();
  JsonWriter w(id_json);
  switch (v.type()) {
    case simdjson::dom::element_type::STRING:
      w.String(std::string_view(v.get_string().value_unsafe()));
      return true;
    case simdjson::dom::element_type::INT64:
      w.Int(v.get_int64().value_unsafe());
      return true;
    case simdjson::dom::element_type::UINT64:
      w.Uint(v.get_uint64().value_unsafe());
      return true;
    case simdjson::dom::element_type::NULL_VALUE:
      id_json->assign(kNullId);
      return true;
    default:  // a fraction or an exponent, true or false, an array, an object
      return false;
  }
}

// A thread that helps a connection's thread answer a pipelined run of
// reads: both take the run's lines one at a time (HandleReads). It only
// joins a run it finds waiting: a connection whose task no one took (the
// thread busy with another's) has answered every line itself by then and
// drops it, so a run never waits for another connection. The helper sleeps between tasks (no spinning: on two
// cores the client or the other I/O thread needs the time). A connection
// that finds no line left spins a little for the one the helper is on
// before it sleeps: a sleep and a wakeup cost more than the wait (at depth
// 64, 12% of the server's cycles went to switching threads, perf).
class ReadHelper {
 public:
  class Task {
   public:
    explicit Task(std::function<void()> fn) : fn_(std::move(fn)) {}

   private:
    friend class ReadHelper;
    enum State : int { kWaiting, kTaken, kDone };
    std::function<void()> fn_;
    // Written under mu_; read without it while spinning.
    std::atomic<int> state_{kWaiting};
  };

  static ReadHelper& Get() {
    static ReadHelper* runner = new ReadHelper;  // never destroyed: its thread runs on
    return *runner;
  }

  void Offer(Task* task) {
    std::lock_guard lock(mu_);
    waiting_.push_back(task);
    wake_.notify_one();
  }

  // Returns once the task is neither waiting nor running: one still
  // waiting is dropped.
  void Finish(Task* task) {
    std::unique_lock lock(mu_);
    if (task->state_.load(std::memory_order_relaxed) == Task::kWaiting) {
      std::erase(waiting_, task);
      return;
    }
    lock.unlock();
    // How long this thread waits awake for the helper's last line.
    constexpr auto kSpin = std::chrono::microseconds(50);
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 1;; ++i) {
      if (task->state_.load(std::memory_order_acquire) == Task::kDone) return;
      CpuRelax();
      if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) break;
    }
    lock.lock();
    done_.wait(lock, [&] { return task->state_.load(std::memory_order_relaxed) == Task::kDone; });
  }

 private:
  ReadHelper() { std::thread([this] { Loop(); }).detach(); }

  static void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      wake_.wait(lock, [&] { return !waiting_.empty(); });
      Task* task = waiting_.front();
      waiting_.erase(waiting_.begin());
      task->state_.store(Task::kTaken, std::memory_order_relaxed);
      lock.unlock();
      task->fn_();
      lock.lock();
      // The last touch of *task: a spinning owner may return and free it.
      task->state_.store(Task::kDone, std::memory_order_release);
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;  // a task is waiting
  std::condition_variable done_;  // a task is done
  std::vector<Task*> waiting_;
};

}  // namespace

int ErrorCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return 0;
    case Status::Code::kInvalidArgument: return kInvalidParams;
    case Status::Code::kInvalidRequest: return kInvalidRequest;
    case Status::Code::kParseError: return kParseError;
    case Status::Code::kNotFound: return kNotFound;
    case Status::Code::kTooLarge: return kTooLarge;
    case Status::Code::kUnauthorized: return kUnauthorized;
    case Status::Code::kInvalidRules: return kInvalidRuleSet;
    case Status::Code::kIoError:
    case Status::Code::kInternal: return kInternalError;
  }
  return kInternalError;
}

Dispatcher::Dispatcher(Engine* engine, DispatcherLimits limits, Metrics* metrics)
    : engine_(engine), limits_(limits), metrics_(metrics) {}

void Dispatcher::FailLine(int code, std::string_view message, std::string* out) {
  if (metrics_ != nullptr) metrics_->Error(code);
  WriteError(code, message, out);
}

void Dispatcher::Fail(std::string_view id_json, int code, std::string_view message,
                      std::string_view field, std::string* out) {
  if (metrics_ != nullptr) metrics_->Error(code);
  WriteErrorResponse(id_json, code, message, field, out);
}

void Dispatcher::WriteError(int code, std::string_view message,
                            std::string* out) {
  WriteErrorResponse(kNullId, code, message, {}, out);
  out->push_back('\n');
}

void Dispatcher::WriteErrorFor(std::string_view request, int code, std::string_view message,
                               std::string* out) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  simdjson::dom::element id;
  std::string id_json;
  if (parser.parse(request.data(), request.size()).get(obj) == simdjson::SUCCESS &&
      obj.at_key("id").get(id) == simdjson::SUCCESS && ReadId(id, &id_json)) {
    WriteErrorResponse(id_json, code, message, {}, out);
    out->push_back('\n');
    return;
  }
  WriteError(code, message, out);
}

bool Dispatcher::HandleLines(LineBuffer* in, std::string* out,
                             bool stop_at_overlong) {
  std::string_view unused;
  return HandleLines(in, out, stop_at_overlong, SIZE_MAX, &unused);
}

bool Dispatcher::HandleLines(LineBuffer* in, std::string* out,
                             bool stop_at_overlong, std::size_t defer_at,
                             std::string_view* deferred) {
  *deferred = {};
  bool overlong = false;
  stopped_at_output_ = false;
  std::string_view line;
  // With parallel reads, lines that only read gather here (their views
  // stay valid until `in` is written to) and run before anything else.
  reads_.clear();
  while (!subscribed_) {
    if (out->size() >= output_limit_) {
      stopped_at_output_ = true;  // the rest once these are sent
      break;
    }
    const auto next = in->NextLine(&line);
    if (next == LineBuffer::Next::kNeedMore) break;
    if (next == LineBuffer::Next::kTooLong) {
      HandleReads(out);
      FailLine(kTooLarge, "request line too long", out);
      overlong = true;
      if (stop_at_overlong) break;
      continue;
    }
    if (line.size() >= defer_at) {
      HandleReads(out);
      *deferred = line;
      break;
    }
    // A line alone in the buffer (a client waiting for each answer) is not
    // looked at twice; nor is a long one (pipelined reads are short).
    if (helper_ != nullptr && (!reads_.empty() || in->pending() > 0) &&
        line.size() <= kMaxParallelLine && OnlyReads(line)) {
      reads_.push_back(line);
      if (reads_.size() >= kMaxRun && output_limit_ != SIZE_MAX) HandleReads(out);
      continue;
    }
    HandleReads(out);
    Handle(line, out);
  }
  HandleReads(out);
  return overlong;
}

void Dispatcher::EnableParallelReads() {
  if (helper_ != nullptr) return;
  helper_ = std::make_unique<Dispatcher>(engine_, limits_, metrics_);
  helper_->token_ = token_;
}

void Dispatcher::HandleReads(std::string* out) {
  // Fewer than this and a second thread costs more than it saves.
  constexpr std::size_t kParallelFrom = 8;
  if (reads_.size() < kParallelFrom) {
    for (std::string_view line : reads_) Handle(line, out);
    reads_.clear();
    return;
  }
  // This thread and the helper each take the next unanswered line until
  // none is left, answering into a buffer of their own; the answers are
  // then put in request order. A helper that wakes late takes fewer lines,
  // and this thread waits at most for the line the helper is on (with
  // fixed halves it waited for the helper's late half: depth 64, +4-6%
  // checks/s). Whichever thread answers a line, each dispatcher (and its
  // parsers) is used by one thread at a time. With a flush set, this thread
  // puts each part of kFlushPart lines in order as soon as all its lines
  // are answered, and flushes while lines remain.
  helper_->token_ = token_;
  helper_->authorized_ = authorized_;
  const std::size_t n = reads_.size();
  const std::size_t parts = (n + kFlushPart - 1) / kFlushPart;
  if (own_done_.size() < parts) {
    const std::size_t capacity = std::max(parts, 2 * own_done_.size());
    helper_done_ = std::make_unique<std::atomic<std::uint32_t>[]>(capacity);
    own_done_.resize(capacity);
    part_out_.resize(2 * capacity);
  }
  for (std::size_t p = 0; p < parts; ++p) {
    helper_done_[p].store(0, std::memory_order_relaxed);
    own_done_[p] = 0;
    part_out_[2 * p].clear();
    part_out_[2 * p + 1].clear();
  }
  spans_.resize(n);
  std::atomic<std::size_t> next{0};
  std::size_t stitched = 0;  // parts appended to *out so far, by this thread
  auto part_size = [&](std::size_t p) { return std::min(kFlushPart, n - p * kFlushPart); };
  // Appends the answers of part `p`, all written, to *out in request order.
  auto stitch = [&](std::size_t p) {
    for (std::size_t i = p * kFlushPart; i < p * kFlushPart + part_size(p); ++i) {
      const std::string& from = part_out_[2 * p + spans_[i].by_helper];
      out->append(from, spans_[i].begin, spans_[i].end - spans_[i].begin);
    }
  };
  // Each thread counts the lines it answered of each part: the helper in
  // helper_done_ (stored, read by this thread), this thread in own_done_.
  // (One counter both incremented cost a contended locked add a line: 2.5%
  // of the server's cycles at depth 64, perf.)
  auto answer = [&](Dispatcher* d, bool by_helper) {
    std::size_t part = SIZE_MAX;
    std::uint32_t answered = 0;  // of `part`, by this thread
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      const std::size_t p = i / kFlushPart;
      if (p != part) {
        part = p;
        answered = 0;
      }
      std::string* buffer = &part_out_[2 * p + by_helper];
      const std::size_t begin = buffer->size();
      d->Handle(reads_[i], buffer);
      spans_[i] = Span{begin, buffer->size(), by_helper};
      ++answered;
      if (by_helper) {
        helper_done_[p].store(answered, std::memory_order_release);
        continue;
      }
      own_done_[p] = answered;
      if (!flush_) continue;
      // The connection's thread sends the answers of the parts done so far
      // while lines remain for the helper and itself.
      bool more = false;
      while (stitched + 1 < parts &&
             own_done_[stitched] + helper_done_[stitched].load(std::memory_order_acquire) ==
                 part_size(stitched)) {
        stitch(stitched++);
        more = true;
      }
      if (more && next.load(std::memory_order_relaxed) < n) flush_(out);
    }
  };
  ReadHelper::Task helping([&] { answer(helper_.get(), true); });
  {
    // However this thread leaves (a line may throw), the helper takes no
    // more lines and is waited for (or its task dropped) before the task
    // goes.
    struct Join {
      ReadHelper::Task* task;
      std::atomic<std::size_t>& next;
      std::size_t n;
      ~Join() {
        next.store(n, std::memory_order_relaxed);
        ReadHelper::Get().Finish(task);
      }
    } join{&helping, next, n};
    ReadHelper::Get().Offer(&helping);
    answer(this, false);
  }
  while (stitched < parts) stitch(stitched++);
  reads_.clear();
}

void Dispatcher::Trim() {
  if (helper_) helper_->Trim();
  // A failed allocation leaves a parser empty; the next line allocates
  // again.
  simdjson::error_code ignored;
  if (validator_.capacity() > kKeptCapacity) {
    // A new parser: allocate() leaves its document's buffers (the tape,
    // the strings) as large as the longest line made them.
    validator_ = simdjson::dom::parser();
    ignored = validator_.allocate(kInitialCapacity, limits_.max_depth);
  }
  if (parser_.capacity() > kKeptCapacity) {
    ignored = parser_.allocate(kInitialCapacity, limits_.max_depth);
  }
  if (classifier_.capacity() > kKeptCapacity) {
    ignored = classifier_.allocate(kInitialCapacity, classifier_.max_depth());
  }
  (void)ignored;
}

namespace {

constexpr std::string_view kMethodKey = "\"method\"";

// Where `"method"` stands in `line`, if once and in a line without a
// backslash; else npos. REQUIRES: kLinePadding readable bytes after the
// line.
std::size_t OnlyMethodKey(std::string_view line) {
  constexpr std::string_view kKey = kMethodKey;
  constexpr std::size_t npos = std::string_view::npos;
  const char* s = line.data();
  const std::size_t n = line.size();
  std::size_t found = npos;
#ifdef __SSE2__
  // 16 places at a time: a quote, "m" after it, "d" and a quote 6 and 7
  // bytes on (each candidate compared whole), and no backslash. Reads up to
  // 15 + 7 bytes past the end, within the padding; what lies past the end
  // is masked off.
  static_assert(kLinePadding >= 32);
  const __m128i quote = _mm_set1_epi8('"'), m = _mm_set1_epi8('m'), d = _mm_set1_epi8('d');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (std::size_t i = 0; i < n; i += 16) {
    const auto load = [&](std::size_t at) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + at));
    };
    const __m128i at0 = load(i);
    const unsigned valid = n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1;
    if ((static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(at0, backslash))) & valid) != 0) {
      return npos;
    }
    unsigned hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
                        _mm_and_si128(_mm_cmpeq_epi8(at0, quote), _mm_cmpeq_epi8(load(i + 1), m)),
                        _mm_and_si128(_mm_cmpeq_epi8(load(i + 6), d),
                                      _mm_cmpeq_epi8(load(i + 7), quote))))) &
                    valid;
    for (; hits != 0; hits &= hits - 1) {
      const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(hits));
      if (at + kKey.size() > n || std::memcmp(s + at, kKey.data(), kKey.size()) != 0) continue;
      if (found != npos) return npos;
      found = at;
    }
  }
#else
  if (std::memchr(s, '\\', n) != nullptr) return npos;
  found = line.find(kKey);
  if (found != npos && line.find(kKey, found + 1) != npos) return npos;
#endif
  return found;
}

bool IsReadMethod(std::string_view method) {
  return method == "check" || method == "ping" || method == "normalize" ||
         method == "get_opportunity" || method == "get_partner" ||
         method == "opportunity_history" || method == "protection_at";
}

}  // namespace

bool Dispatcher::OnlyReads(std::string_view line) {
  // Decided from the bytes where they suffice, without parsing. In a line
  // without a backslash every quote opens or closes a string, and a string
  // reads as it is written; so where `"method"` stands once, followed by
  // `:"`, it is the request's method key, or the request has none of its
  // own (the one found inside its params) and is refused whole, as is a
  // line that is not JSON: either way the line changes nothing if the
  // method named only reads. A route's dry_run needs the parse.
  const std::size_t first = FirstNonBlank(line);
  if (first == line.size() || line[first] != '{') return false;  // not one request
  if (const std::size_t at = OnlyMethodKey(line);
      at != std::string_view::npos && line.substr(at + kMethodKey.size(), 2) == ":\"") {
    const std::size_t begin = at + kMethodKey.size() + 2;
    const std::size_t end = line.find('"', begin);
    if (end != std::string_view::npos) {
      const std::string_view method = line.substr(begin, end - begin);
      if (method != "route") return IsReadMethod(method);
    }
  }
  od::document doc;
  od::object obj;
  if (classifier_.iterate(line.data(), line.size(), line.size() + kLinePadding).get(doc) !=
          simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS) {
    return false;
  }
  std::string_view method;
  int methods = 0, params = 0;
  bool dry_run = false;  // params hold "dry_run": true, once
  for (auto item : obj) {
    od::field field;
    std::string_view key;
    if (std::move(item).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return false;
    }
    if (key == "method") {
      ++methods;
      if (field.value().get_string().get(method) != simdjson::SUCCESS) return false;
    } else if (key == "params") {
      ++params;
      od::object p;
      if (field.value().get_object().get(p) != simdjson::SUCCESS) continue;
      int dry_runs = 0;
      bool is_true = false;
      for (auto param : p) {
        od::field f;
        std::string_view name;
        if (std::move(param).get(f) != simdjson::SUCCESS ||
            f.unescaped_key().get(name) != simdjson::SUCCESS) {
          return false;
        }
        if (name != "dry_run") continue;
        ++dry_runs;
        bool value = false;
        is_true = f.value().get_bool().get(value) == simdjson::SUCCESS && value;
      }
      dry_run = dry_runs == 1 && is_true;
    }
  }
  if (methods != 1 || params > 1) return false;
  // A dry route changes nothing: the router decides it under a shared hold.
  return IsReadMethod(method) || (method == "route" && dry_run);
}

void Dispatcher::Handle(std::string_view line, std::string* out) {
  // Blank lines are keep-alives, not requests.
  if (FirstNonBlank(line) == line.size()) return;

  // The whole line is validated first: on-demand parsing does not look at the
  // values it skips, and nothing may run on a line that is not JSON.
  if (validator_.capacity() < line.size() ||
      validator_.max_depth() != limits_.max_depth) {
    if (validator_.allocate(std::max(line.size(), kInitialCapacity),
                            limits_.max_depth) != simdjson::SUCCESS ||
        parser_.allocate(std::max(line.size(), kInitialCapacity),
                         limits_.max_depth) != simdjson::SUCCESS) {
      FailLine(kInternalError, "out of memory", out);
      return;
    }
  }
  simdjson::dom::element root;
  if (const auto error = validator_
                             .parse(reinterpret_cast<const std::uint8_t*>(line.data()),
                                    line.size(), /*realloc_if_needed=*/false)
                             .get(root);
      error != simdjson::SUCCESS) {
    // A number past 64 bits or a double's range is valid JSON that this
    // parser does not read: the message says so.
    FailLine(kParseError,
             error == simdjson::DEPTH_ERROR ? "Parse error: nested too deeply"
             : error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE
                 ? "Parse error: a malformed number, or one beyond 64 bits or a double's range"
                 : "Parse error",
             out);
    return;
  }
  std::size_t batch_size = 0;
  if (root.is_array()) {
    batch_size = simdjson::dom::array(root).size();
    if (batch_size == 0) {
      FailLine(kInvalidRequest, "Invalid Request: empty batch", out);
      return;
    }
    if (batch_size > limits_.max_batch) {
      FailLine(kTooLarge, "batch too large", out);
      return;
    }
  } else if (!root.is_object()) {
    FailLine(kInvalidRequest, "Invalid Request: expected an object", out);
    return;
  }

  od::document doc;
  od::value value;
  if (parser_.iterate(line.data(), line.size(), line.size() + kLinePadding)
          .get(doc) != simdjson::SUCCESS ||
      doc.get_value().get(value) != simdjson::SUCCESS) {
    FailLine(kParseError, "Parse error", out);
    return;
  }
  if (batch_size == 0) {
    if (HandleRequest(value, root, out)) out->push_back('\n');
    return;
  }
  // A batch: the responses as one array, in request order. Once the answer
  // passes max_batch_output, the remaining requests are refused, not run.
  od::array batch;
  if (value.get_array().get(batch) != simdjson::SUCCESS) {
    FailLine(kParseError, "Parse error", out);
    return;
  }
  const std::size_t mark = out->size();
  out->push_back('[');
  bool wrote = false;
  // The same requests in the validated document, in step.
  const simdjson::dom::array envelopes(root);
  auto envelope = envelopes.begin();
  for (auto item : batch) {
    od::value request;
    if (std::move(item).get(request) != simdjson::SUCCESS || envelope == envelopes.end()) {
      out->resize(mark);
      FailLine(kParseError, "Parse error", out);
      return;
    }
    const simdjson::dom::element this_envelope = *envelope;
    ++envelope;
    const std::size_t before = out->size();
    if (wrote) out->push_back(',');
    if (out->size() - mark > limits_.max_batch_output) {
      // Refused, not run: answered under its own id, so that a client
      // matching answers by id knows which; a notification hears nothing.
      std::string id_json(kNullId);
      bool notification = false;
      simdjson::dom::object members;
      if (this_envelope.get_object().get(members) == simdjson::SUCCESS) {
        simdjson::dom::element v;
        if (members.at_key("id").get(v) == simdjson::SUCCESS) {
          if (!ReadId(v, &id_json)) id_json.assign(kNullId);
        } else {
          notification = members.at_key("method").error() == simdjson::SUCCESS;
        }
      }
      if (notification) {
        out->resize(before);
        continue;
      }
      Fail(id_json, kTooLarge, "batch answer too large", {}, out);
      wrote = true;
    } else if (HandleRequest(request, this_envelope, out)) {
      wrote = true;
    } else {
      out->resize(before);
    }
  }
  if (!wrote) {
    out->resize(mark);  // only notifications: no response at all
    return;
  }
  out->append("]\n");
}

bool Dispatcher::Hello(simdjson::dom::object members, bool has_id,
                       const std::string& id_json, std::string* out) {
  std::string_view token;
  bool not_a_string = false;
  simdjson::dom::element t;
  if (members["params"]["token"].get(t) == simdjson::SUCCESS) {
    not_a_string = t.get_string().get(token) != simdjson::SUCCESS;
    if (not_a_string) token = {};
  }
  // A known field of the wrong type, as for every method (CONTRACT §3).
  if (not_a_string) {
    if (!has_id) return false;
    Fail(id_json, kInvalidParams, "must be a string", "token", out);
    return true;
  }
  if (!token_.empty()) {
    if (!SecretEquals(token, token_)) {
      if (!has_id) return false;
      Fail(id_json, kUnauthorized, "unauthorized: wrong token", "token", out);
      return true;
    }
  }
  authorized_ = true;
  if (!has_id) return false;
  WriteHead(id_json, out);
  out->append(R"("result":{"authenticated":true}})");
  return true;
}

bool Dispatcher::Subscribe(simdjson::dom::object members, bool has_id,
                           const std::string& id_json, std::string* out) {
  if (feed_ == nullptr || subscribed_) {
    if (!has_id) return false;
    Fail(id_json, kMethodNotFound,
         subscribed_ ? "already subscribed"
                     : "subscribe needs a TCP connection to a server with a data directory",
         {}, out);
    return true;
  }
  std::optional<std::uint64_t> from;
  std::optional<std::string_view> history;
  simdjson::dom::element params;
  if (members["params"].get(params) == simdjson::SUCCESS && !params.is_null()) {
    simdjson::dom::object p;
    if (params.get_object().get(p) != simdjson::SUCCESS) {
      if (!has_id) return false;
      Fail(id_json, kInvalidParams, "params must be an object", "params", out);
      return true;
    }
    simdjson::dom::element v;
    if (p["from"].get(v) == simdjson::SUCCESS && !v.is_null()) {
      std::uint64_t position = 0;
      if (v.get_uint64().get(position) != simdjson::SUCCESS) {
        if (!has_id) return false;
        Fail(id_json, kInvalidParams, "must be a journal position (a whole number)", "from",
             out);
        return true;
      }
      from = position;
    }
    if (p["history"].get(v) == simdjson::SUCCESS && !v.is_null()) {
      std::string_view id;
      if (v.get_string().get(id) != simdjson::SUCCESS || id.size() > 64) {
        if (!has_id) return false;
        Fail(id_json, kInvalidParams, "must be a history id (a string)", "history", out);
        return true;
      }
      history = id;
    }
  }
  const std::string current = feed_->HistoryId();
  // Resuming: the positions before `from` must name the changes the
  // subscriber was sent under its history (a `repair` may have cut them).
  if (from && history && *history != current) {
    const std::optional<std::uint64_t> until = feed_->SharedUntil(*history);
    if (!until || *from > *until) {
      if (!has_id) return false;
      if (metrics_ != nullptr) metrics_->Error(kNotFound);
      const std::string message =
          !until ? "history " + std::string(*history) + " is not this journal's (" + current +
                       "): read the state anew, then subscribe with history " + current
                 : "`repair` cut history " + std::string(*history) + " at position " +
                       std::to_string(*until) + ": the changes from " + std::to_string(*until) +
                       " on that were sent under it are lost, and later ones took their "
                       "positions; undo or read them anew, then subscribe from " +
                       std::to_string(*until) + " with history " + current;
      WriteHead(id_json, out);
      WriteErrorBody(kNotFound, message, "history", out, [&](JsonWriter& w) {
        w.Field("history", current);
        if (until) w.Field("from", *until);
      });
      return true;
    }
  }
  std::uint64_t first = 0, next = 0;
  auto stream = feed_->Subscribe(from, wake_, &first, &next);
  if (!stream.ok()) {
    if (!has_id) return false;
    Fail(id_json, ErrorCodeFor(stream.status()), stream.status().message(), "from", out);
    return true;
  }
  stream_ = std::move(*stream);
  subscribed_ = true;
  if (!has_id) return false;
  WriteHead(id_json, out);
  out->append(R"("result":{"from":)" + std::to_string(first) + R"(,"next":)" +
              std::to_string(next) + R"(,"history":")" + current + "\"}}");
  return true;
}

bool Dispatcher::HandleRequest(od::value request, simdjson::dom::element envelope,
                               std::string* out) {
  simdjson::dom::object members;
  od::object obj;
  if (envelope.get_object().get(members) != simdjson::SUCCESS ||
      request.get_object().get(obj) != simdjson::SUCCESS) {
    Fail(kNullId, kInvalidRequest,
                       "Invalid Request: expected an object", {}, out);
    return true;
  }
  // Pass 1: the envelope. Nothing runs before all of it is known to be good.
  std::string id_json(kNullId);
  bool has_id = false;
  bool id_ok = true;
  bool version_ok = false;
  std::string_view method;
  bool has_method = false;
  bool has_params = false;
  // A member given twice: which one counts is a guess (a proxy in front may
  // take the other), so the request is refused.
  std::string_view twice;
  bool has_version = false, has_method_key = false;
  for (const simdjson::dom::key_value_pair field : members) {
    const std::string_view key = field.key;
    if (key == "jsonrpc") {
      if (has_version) twice = key;
      has_version = true;
      std::string_view v;
      version_ok = field.value.get_string().get(v) == simdjson::SUCCESS && v == "2.0";
    } else if (key == "id") {
      if (has_id) twice = key;
      has_id = true;
      id_ok = ReadId(field.value, &id_json);
    } else if (key == "method") {
      if (has_method_key) twice = key;
      has_method_key = true;
      has_method = field.value.get_string().get(method) == simdjson::SUCCESS;
      if (!has_method) method = {};
      has_method = true;
      if (method.empty()) has_method = false;
    } else if (key == "params") {
      if (has_params) twice = key;
      has_params = true;
    }
  }
  if (!id_ok) {
    Fail(kNullId, kInvalidRequest,
                       "Invalid Request: id must be a string, integer or null",
                       {}, out);
    return true;
  }
  if (!twice.empty()) {
    // Which id to answer is the doubt itself when id is the one twice.
    Fail(twice == "id" ? std::string_view(kNullId) : std::string_view(id_json), kInvalidRequest,
         "Invalid Request: " + std::string(twice) + " given twice", {}, out);
    return true;
  }
  if (!version_ok || !has_method) {
    Fail(id_json, kInvalidRequest,
                       !version_ok ? "Invalid Request: jsonrpc must be \"2.0\""
                                   : "Invalid Request: method must be a string",
                       {}, out);
    return true;
  }
  // hello: the shared secret, before anything else when one is required.
  if (method == "hello") return Hello(members, has_id, id_json, out);
  if (!token_.empty() && !authorized_) {
    if (!has_id) return false;
    Fail(id_json, kUnauthorized, "unauthorized: call hello with the token first", {}, out);
    return true;
  }
  if (method == "subscribe") return Subscribe(members, has_id, id_json, out);
  const int method_index = MethodIndex(method);
  const MethodHandler handler = method_index < 0 ? nullptr : MethodAt(method_index);
  if (handler == nullptr) {
    if (!has_id) return false;
    Fail(id_json, kMethodNotFound, "Method not found", {}, out);
    return true;
  }

  // Pass 2: the handler decodes its params and acts.
  od::value params;
  od::value* params_ptr = nullptr;
  if (has_params) {
    if (FindMember(obj, "params", &params) != simdjson::SUCCESS) {
      Fail(id_json, kParseError, "Parse error", {}, out);
      return true;
    }
    od::json_type type;
    if (params.type().get(type) != simdjson::SUCCESS) {
      Fail(id_json, kParseError, "Parse error", {}, out);
      return true;
    }
    if (type != od::json_type::null) {
      // JSON-RPC: params is structured, an object or an array; anything
      // else makes the request invalid (answered, as other invalid
      // requests are). An array is a valid request whose params these
      // methods do not take: a notification hears nothing of it.
      if (type != od::json_type::object && type != od::json_type::array) {
        Fail(id_json, kInvalidRequest, "Invalid Request: params must be an object", {}, out);
        return true;
      }
      if (type != od::json_type::object) {
        if (!has_id) return false;
        Fail(id_json, kInvalidParams,
                           "params must be an object", "params", out);
        return true;
      }
      params_ptr = &params;
    }
  }
  const std::size_t mark = out->size();
  WriteHead(id_json, out);
  out->append(std::string_view(R"("result":)"));
  JsonWriter writer(out);
  const auto start = std::chrono::steady_clock::now();
  Status status = handler(*engine_, params_ptr, writer);
  if (metrics_ != nullptr) {
    metrics_->Observe(
        method_index,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
        status.ok() ? 0 : ErrorCodeFor(status));
  }
  if (!status.ok()) {
    out->resize(mark);
    WriteErrorResponse(id_json, ErrorCodeFor(status), status.message(),
                       status.field(), out);
  } else {
    out->push_back('}');
  }
  if (!has_id) {  // a notification: acted on, not answered
    out->resize(mark);
    return false;
  }
  return true;
}

}  // namespace leadroute::protocol
