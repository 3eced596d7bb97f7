// leadroute <command> [options]: the one binary (CONTRACT §2).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <csignal>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/bench_rules.h"
#include "cli/flags.h"
#include "cli/import_csv.h"
#include "cli/settings.h"
#include "json/csv.h"
#include "json/lines.h"
#include "json/records.h"
#include "engine/engine_config.h"
#include "leadroute/engine.h"
#include "net/client.h"
#include "net/tcp_server.h"
#include "protocol/json_writer.h"
#include "protocol/dispatcher.h"
#include "protocol/line_buffer.h"
#include "rules/iso_codes.h"
#include "rules/rule_set.h"
#include "store/env.h"
#include "store/repair.h"
#include "store/store.h"
#include "util/log.h"
#include "util/read_file.h"
#include "util/ticker.h"

namespace leadroute::cli {
namespace {

constexpr std::size_t kMaxLine = 1 << 20;

const char kUsage[] =
    "leadroute: deal-conflict checks and lead routing for channel sales\n"
    "\n"
    "usage: leadroute <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve     serve JSON-RPC over TCP (newline-delimited)\n"
    "  pipe      answer JSON-RPC requests read from stdin, one per line\n"
    "  lint DIR  validate a rule set; every error as FILE:LINE:COL: message\n"
    "  import FILE        load opportunities (JSON Lines or CSV) into a running server\n"
    "  repair    make a damaged data directory startable again\n"
    "  bench-rules  replay a leads file through one rule set or two, compared\n"
    "  call METHOD [PARAMS]  send one request to a running server, print the answer\n"
    "  version   print the version\n"
    "\n"
    "`leadroute <command> --help` describes a command's options.\n";

constexpr char kDefaultRules[] = "rules/demo";

const std::vector<FlagSpec> kServeFlags = {
    {"listen", true, "TCP address HOST:PORT (default 127.0.0.1:7411)"},
    {"http", true, "HTTP address HOST:PORT (default 127.0.0.1:7412), or off"},
    {"rules", true, "rule set directory (default rules/demo)"},
    {"config", true, "TOML configuration file (see README)"},
    {"default-country", true,
     "region hint for phones of parties without a country (e.g. US)"},
    {"threads", true, "worker threads (default: one per core)"},
    {"max-line", true, "longest request line or HTTP body, bytes (default 1048576)"},
    {"max-batch", true, "most requests in one JSON-RPC batch (default 1000)"},
    {"max-depth", true, "deepest JSON nesting (default 64)"},
    {"max-connections", true,
     "most open connections, TCP and HTTP together (default 10000; fewer if the file "
     "descriptor limit allows fewer)"},
    {"idle-seconds", true, "close a TCP client silent this long (default 300)"},
    {"line-seconds", true, "close a TCP client that takes this long to finish a line (default 30)"},
    {"write-seconds", true,
     "cut a client that takes less than 64 KiB of its answers this long (default 30)"},
    {"max-output", true,
     "answers gathered for a TCP client before they are sent, bytes; the lines after "
     "wait (default 1048576)"},
    {"http-idle-seconds", true, "close an idle HTTP keep-alive connection (default 60)"},
    {"drain-seconds", true, "on SIGTERM, wait this long for open connections (default 10)"},
    {"token", true, "shared secret clients must present; required beyond loopback"},
    {"data", true, "data directory: journal and snapshots (default ./var; none: in memory)"},
    {"sync", true, "when journaled changes reach the disk: always (before the answer; "
                   "default), interval (about every second), never (the OS decides)"},
    {"snapshot-seconds", true, "write a snapshot this often if anything changed (default 3600)"},
    {"journal-keep-seconds", true,
     "keep journal segments a snapshot covers this long, for subscribers resuming "
     "(default 86400)"},
    {"help", false, "show this help"},
};
const std::vector<FlagSpec> kBenchRulesFlags = {
    {"rules", true, "rule set directory to replay through (required)"},
    {"compare", true, "a second rule set directory, replayed and compared"},
    {"leads", true, "leads, one JSON lead object per line (required)"},
    {"opportunities", true, "open opportunities, one JSON object per line, loaded first"},
    {"config", true, "TOML configuration file (see README)"},
    {"default-country", true, "region hint for phones of parties without a country"},
    {"details", true, "also write every partner's share, reason and difference to FILE "
                      "(JSON Lines)"},
    {"help", false, "show this help"},
};
const std::vector<FlagSpec> kCallFlags = {
    {"connect", true, "the server's TCP address HOST:PORT (default 127.0.0.1:7411)"},
    {"timeout", true, "seconds to wait for the answer (default 30)"},
    {"token", true, "the server's shared secret, sent with hello first"},
    {"config", true, "serve's TOML configuration file: its token (see README)"},
    {"help", false, "show this help"},
};
const std::vector<FlagSpec> kLintFlags = {
    {"help", false, "show this help"},
};
// serve's options (CONTRACT: "the same options as serve except the
// listeners"), so that one configuration file and one environment serve
// both. Those of the network are taken and have no effect.
std::vector<FlagSpec> PipeFlags() {
  auto network = [](const std::string& name) {
    return name == "listen" || name == "http" || name == "threads" ||
           name == "max-connections" || name == "idle-seconds" || name == "line-seconds" ||
           name == "write-seconds" || name == "max-output" || name == "http-idle-seconds" ||
           name == "drain-seconds" || name == "token";
  };
  std::vector<FlagSpec> out;
  for (FlagSpec spec : kServeFlags) {
    if (spec.name == "data") {
      spec.help = "data directory: journal and snapshots (default: none, in memory)";
    } else if (network(spec.name)) {
      spec.help = "serve's; taken, no effect here";
    }
    out.push_back(std::move(spec));
  }
  return out;
}
const std::vector<FlagSpec> kPipeFlags = PipeFlags();
const std::vector<FlagSpec> kImportFlags = {
    {"connect", true, "the server's TCP address HOST:PORT (default 127.0.0.1:7411)"},
    {"batch", true, "opportunities per upsert_opportunities request (default 5000, at most 10000)"},
    {"connections", true, "connections loading in parallel, each record by its id's hash so that one id's records stay in file order (default 1)"},
    {"timeout", true, "seconds to wait for each answer (default 120)"},
    {"token", true, "the server's shared secret, sent with hello first"},
    {"max-line", true, "the server's --max-line: requests stay under it, and a record too long "
                       "for one is refused here (default 1048576)"},
    {"max-depth", true, "the server's --max-depth: a record nested too deep for a request is "
                        "refused here (default 64)"},
    {"config", true, "serve's TOML configuration file: its token, max_line and max_depth "
                     "(see README)"},
    {"help", false, "show this help"},
};
const std::vector<FlagSpec> kRepairFlags = {
    {"data", true, "the data directory to repair (default ./var)"},
    {"help", false, "show this help"},
};

bool ReadCount(const Flags& flags, const char* name, std::size_t lo, std::size_t hi,
               std::size_t* out);

// The durability settings the flags name, into *options; false (after
// saying why) when one is refused. Checked with a data directory or
// without (a typo in a shared config or environment must not wait for the
// day a data directory is used), and before anything loads.
bool ReadStoreOptions(const Flags& flags, store::StoreOptions* out) {
  store::StoreOptions options;
  if (auto sync = flags.Get("sync")) {
    auto policy = store::ParseSyncPolicy(*sync);
    if (!policy) {
      std::fprintf(stderr, "%s\n",
                   flags.Complaint("sync", "wants always, interval or never, got '" + *sync + "'")
                       .c_str());
      return false;
    }
    options.sync = *policy;
  }
  std::size_t seconds = 3600;
  if (!ReadCount(flags, "snapshot-seconds", 1, 1u << 30, &seconds)) return false;
  options.snapshot_seconds = static_cast<std::int64_t>(seconds);
  std::size_t keep = 86400;
  if (!ReadCount(flags, "journal-keep-seconds", 0, 1u << 30, &keep)) return false;
  options.journal_keep_seconds = static_cast<std::int64_t>(keep);
  *out = std::move(options);
  return true;
}

// Opens the data directory the flags name (`fallback` when --data is
// absent; "none" or empty: no directory) with `options` (ReadStoreOptions)
// and restores the engine from it. *store stays null without a directory.
// False (after saying why) when the directory does not open.
bool OpenStore(const Flags& flags, const std::string& fallback, store::StoreOptions options,
               Engine* engine, bool log_json, std::unique_ptr<store::Store>* out) {
  const std::string dir = flags.Get("data").value_or(fallback);
  if (dir.empty() || dir == "none") return true;
  // serve logs JSON lines on stdout; pipe's stdout is its answers.
  auto say = [log_json](std::string_view level, std::string_view msg, std::string_view detail) {
    if (log_json) {
      Log(level, msg, {{"detail", detail}});
    } else {
      std::fprintf(stderr, "leadroute: %.*s: %.*s\n", static_cast<int>(msg.size()), msg.data(),
                   static_cast<int>(detail.size()), detail.data());
    }
  };
  options.on_event = say;
  store::RecoveryReport report;
  auto opened = store::Store::Open(dir, engine, options, &report);
  if (!opened.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", std::string(opened.status().message()).c_str());
    return false;
  }
  for (const std::string& w : report.warnings) say("warn", "recovery", w);
  if (log_json) {
    Log("info", "data restored",
        {{"data", dir},
         {"sync", store::SyncPolicyName(options.sync)},
         {"snapshot", report.snapshot},
         {"replayed", std::to_string(report.replayed)},
         {"position", std::to_string(report.position)}});
  }
  *out = std::move(*opened);
  return true;
}

// An engine with the configuration the flags name and the rule set in
// `rules_dir` (empty: --rules, else the demo when it is there). Null
// (after saying why) on error, with the exit code in *failure: 2 for the
// configuration refused, 1 for the rule set's errors.
std::unique_ptr<Engine> MakeEngine(const Flags& flags, int* failure,
                                   const std::string& rules_dir = {}) {
  *failure = 2;  // the configuration refused; 1 past it (the rule set's errors)
  EngineOptions options;
  // Flags override the file.
  if (auto config = flags.Get("config")) {
    if (Status s = LoadEngineConfig(*config, &options); !s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return nullptr;
    }
  }
  if (auto country = flags.Get("default-country")) {
    auto code = Normalizer::Country(*country);
    if (!code || !rules::IsCountryCode(*code)) {  // ("XX" reads as a code, and is none)
      std::fprintf(stderr, "%s\n",
                   flags.Complaint("default-country",
                                   "wants a country: its two-letter code or name, got '" +
                                       *country + "'")
                       .c_str());
      return nullptr;
    }
    options.default_country = *code;
  }
  *failure = 1;
  auto engine = Engine::Create(std::move(options));
  if (!engine.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", engine.status().ToString().c_str());
    return nullptr;
  }
  // The rule set: the one named, else the demo when it is there (run from
  // the repository root); without one, routing answers -32004.
  const std::optional<std::string> named =
      rules_dir.empty() ? flags.Get("rules") : std::optional<std::string>(rules_dir);
  const std::string dir = named.value_or(kDefaultRules);
  if (named || ::access((dir + "/policy.toml").c_str(), R_OK) == 0) {
    auto info = (*engine)->LoadRules(dir);
    if (!info.ok()) {
      std::fprintf(stderr, "%s\n", std::string(info.status().message()).c_str());
      return nullptr;
    }
    // Loaded all the same; stderr, as `pipe` answers on stdout.
    for (const std::string& w : info->warnings) std::fprintf(stderr, "%s\n", w.c_str());
  }
  return std::move(*engine);
}

// serve's and pipe's start: the durability settings read, the engine made
// (configuration, rule set) and the data directory opened (`fallback` when
// --data is absent). 0, or the exit code (after saying why): 2 for a
// setting refused, 1 for a rule set or data directory that does not load.
int Start(const Flags& flags, const std::string& fallback, bool log_json,
          std::unique_ptr<Engine>* engine, std::unique_ptr<store::Store>* data) {
  store::StoreOptions store_options;
  if (!ReadStoreOptions(flags, &store_options)) return 2;
  int failure = 1;
  *engine = MakeEngine(flags, &failure);
  if (!*engine) return failure;
  return OpenStore(flags, fallback, store_options, engine->get(), log_json, data) ? 0 : 1;
}

// A whole number from `lo` to `hi` in flag `name`, into *out; false (after
// saying why) when malformed.
bool ReadCount(const Flags& flags, const char* name, std::size_t lo, std::size_t hi,
               std::size_t* out) {
  const auto v = flags.Get(name);
  if (!v) return true;
  std::size_t n = 0;
  const char* end = v->data() + v->size();
  auto r = std::from_chars(v->data(), end, n);
  if (r.ec != std::errc() || r.ptr != end || n < lo || n > hi) {
    std::fprintf(stderr, "%s\n",
                 flags.Complaint(name, "wants a number from " + std::to_string(lo) + " to " +
                                           std::to_string(hi) + ", got '" + *v + "'")
                     .c_str());
    return false;
  }
  *out = n;
  return true;
}

int RunBenchRules(const Flags& flags) {
  if (flags.Has("help") || !flags.Get("rules") || !flags.Get("leads")) {
    std::printf(
        "usage: leadroute bench-rules --rules DIR [--compare DIR2] --leads FILE\n"
        "                             [--opportunities FILE] [--details FILE]\n\n"
        "Replays the leads, in order, through the rule set (and through DIR2),\n"
        "recording assignments as live traffic would, and prints throughput,\n"
        "latency percentiles, each partner's share, fairness (Gini), the\n"
        "unassigned rate with its reasons and, for two rule sets, the leads\n"
        "whose decision differs. Generate inputs with leadroute-gen.\n\n%s",
        FlagHelp(kBenchRulesFlags).c_str());
    return flags.Has("help") ? 0 : 2;
  }
  std::vector<Lead> leads;
  auto leads_text = ReadWholeFile(*flags.Get("leads"));
  if (!leads_text.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", std::string(leads_text.status().message()).c_str());
    return 1;
  }
  Status s = json::ForEachJsonLine(*leads_text, *flags.Get("leads"),
                                   [&](json::od::value& v, std::string_view, std::size_t) {
                                     return json::DecodeLead(v, "lead", &leads.emplace_back());
                                   });
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::vector<Opportunity> opportunities;
  std::vector<std::size_t> opportunity_lines;  // each one's line in its file
  if (auto path = flags.Get("opportunities")) {
    auto text = ReadWholeFile(*path);
    if (!text.ok()) {
      std::fprintf(stderr, "leadroute: %s\n", std::string(text.status().message()).c_str());
      return 1;
    }
    s = json::ForEachJsonLine(*text, *path,
                              [&](json::od::value& v, std::string_view, std::size_t line_no) {
                                opportunity_lines.push_back(line_no);
                                return json::DecodeOpportunity(v, "opportunity",
                                                               &opportunities.emplace_back());
                              });
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  // One engine per rule set, each with the same opportunities.
  int failure = 1;  // the exit code when a replay cannot run
  auto replay = [&](const std::string& dir) -> std::optional<ReplayReport> {
    auto engine = MakeEngine(flags, &failure, dir);
    if (!engine) return std::nullopt;
    failure = 1;
    std::size_t created = 0;
    const auto statuses = engine->UpsertOpportunities(opportunities, &created);
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      if (!statuses[i].ok()) {
        // FILE:LINE:, as for the lines that do not decode (a review found
        // the record's number given, not its line).
        std::fprintf(stderr, "%s:%zu: %s\n", flags.Get("opportunities")->c_str(),
                     opportunity_lines[i], statuses[i].ToString().c_str());
        return std::nullopt;
      }
    }
    ReplayReport report = Replay(*engine, leads);
    report.rules_dir = dir;
    return report;
  };
  auto a = replay(*flags.Get("rules"));
  if (!a) return failure;
  std::optional<ReplayReport> b;
  if (auto other = flags.Get("compare")) {
    b = replay(*other);
    if (!b) return failure;
  }
  std::fputs(FormatReport(*a, b ? &*b : nullptr).c_str(), stdout);
  if (auto path = flags.Get("details")) {
    const std::string details = FormatDetails(*a, b ? &*b : nullptr);
    std::FILE* f = std::fopen(path->c_str(), "wb");
    const bool written = f != nullptr &&
                         std::fwrite(details.data(), 1, details.size(), f) == details.size();
    if (f == nullptr || std::fclose(f) != 0 || !written) {
      std::fprintf(stderr, "leadroute: %s: cannot write\n", path->c_str());
      return 1;
    }
  }
  return 0;
}

// The `hello` request line (without '\n') presenting `token`.
std::string HelloRequest(std::string_view token) {
  std::string hello;
  protocol::JsonWriter h(&hello);
  h.BeginObject();
  h.Field("jsonrpc", "2.0");
  h.Field("id", std::int64_t{0});
  h.Field("method", "hello");
  h.Key("params");
  h.BeginObject();
  h.Field("token", token);
  h.EndObject();
  h.EndObject();
  return hello;
}

// --connect HOST:PORT (default 127.0.0.1:7411); false (after saying why)
// when malformed.
bool ReadConnect(const Flags& flags, std::string* host, std::uint16_t* port) {
  *host = "127.0.0.1";
  *port = 7411;
  if (auto connect = flags.Get("connect"); connect && !net::ParseHostPort(*connect, host, port)) {
    std::fprintf(stderr, "%s\n",
                 flags.Complaint("connect", "wants HOST:PORT, got '" + *connect + "'").c_str());
    return false;
  }
  return true;
}

// `json` with its line breaks between tokens made spaces (whitespace all
// the same): pretty-printed params went as several request lines, each a
// parse error. One inside a string is no JSON, and is left for the server
// to refuse.
std::string OnOneLine(std::string json) {
  bool in_string = false, escaped = false;
  for (char& c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return json;
}

int RunCall(const Flags& flags) {
  const auto& args = flags.positional();
  if (flags.Has("help") || args.empty() || args.size() > 2) {
    std::printf(
        "usage: leadroute call METHOD [PARAMS_JSON] [--connect HOST:PORT]\n\n"
        "Sends {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":METHOD,\"params\":PARAMS} to a\n"
        "running server and prints its answer line. Exit 0 for a result, 1 for\n"
        "an error answer, 2 when no answer came. Example:\n"
        "  leadroute call check '{\"deal\":{\"company\":\"ACME GmbH\",\"country\":\"DE\"}}'\n\n%s",
        FlagHelp(kCallFlags).c_str());
    return flags.Has("help") ? 0 : 2;
  }
  std::string host;
  std::uint16_t port = 0;
  if (!ReadConnect(flags, &host, &port)) return 2;
  std::size_t seconds = 30;
  if (!ReadCount(flags, "timeout", 1, 3600, &seconds)) return 2;
  std::string request;
  protocol::JsonWriter w(&request);
  w.BeginObject();
  w.Field("jsonrpc", "2.0");
  w.Field("id", std::int64_t{1});
  w.Field("method", args[0]);
  if (args.size() == 2) {
    w.Key("params");
    w.Raw(OnOneLine(args[1]));  // the server validates it
  }
  w.EndObject();
  std::size_t answers = 1;
  if (auto token = flags.Get("token"); token && !token->empty()) {
    std::string hello = HelloRequest(*token);
    request = hello + "\n" + request;
    answers = 2;
  }
  std::vector<std::string> earlier;
  auto answer =
      net::CallOnce(host, port, request, std::chrono::seconds(seconds), answers, &earlier);
  if (!answer.ok()) {
    std::fprintf(stderr, "%s\n", std::string(answer.status().message()).c_str());
    return 2;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  // A token refused: hello's answer says why (the call's own only says
  // "call hello with the token first").
  if (!earlier.empty() && parser.parse(earlier.front()).get(doc) == simdjson::SUCCESS &&
      doc["error"].error() == simdjson::SUCCESS) {
    std::printf("%s\n", earlier.front().c_str());
    return 1;
  }
  std::printf("%s\n", answer->c_str());
  if (parser.parse(*answer).get(doc) != simdjson::SUCCESS) return 2;
  simdjson::dom::element error;
  return doc["error"].get(error) == simdjson::SUCCESS ? 1 : 0;
}

int RunLint(const Flags& flags) {
  if (flags.Has("help") || flags.positional().size() != 1) {
    std::printf(
        "usage: leadroute lint DIR\n\n"
        "Validates the rule set in DIR (policy.toml, and partners.jsonl and/or\n"
        "partners.csv). Exit 0 when valid; else 1, with every error as\n"
        "FILE:LINE:COL: message (the first 100 of each partners file).\n"
        "Warnings (FILE:LINE:COL: warning: ...) name what loads but is likely\n"
        "a mistake, such as a partner key that is no partner field; they\n"
        "leave the exit code alone.\n");
    return flags.Has("help") ? 0 : 2;
  }
  auto normalizer = Normalizer::Create();
  if (!normalizer.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", normalizer.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> warnings;
  const auto errors = rules::Lint(flags.positional()[0], **normalizer, &warnings);
  for (const auto& e : errors) std::printf("%s\n", e.c_str());
  for (const auto& w : warnings) std::printf("%s\n", w.c_str());
  return errors.empty() ? 0 : 1;
}

// Expires protections on time where no data directory's Store does it
// (its tick, once a second).
std::unique_ptr<Ticker> ExpiryWithoutStore(const store::Store* data, Engine* engine) {
  if (data != nullptr) return nullptr;
  return std::make_unique<Ticker>(std::chrono::seconds(1), [engine] {
    engine->ExpireDue(store::StoreOptions{}.expiry_scan);
  });
}

// Reads requests from stdin and answers on stdout until end of input.
int RunPipe(const Flags& flags) {
  if (flags.Has("help")) {
    std::printf(
        "usage: leadroute pipe [options]\n\n"
        "Reads JSON-RPC 2.0 requests from stdin, one per line, and writes each\n"
        "response, one per line and in order, to stdout: byte for byte what\n"
        "`serve` answers. A line longer than --max-line is answered -32002 and\n"
        "ends the input, as it ends a serve connection (exit 1).\n\n%s",
        FlagHelp(kPipeFlags).c_str());
    return 0;
  }
  std::size_t max_line = kMaxLine;
  protocol::DispatcherLimits limits;
  if (!ReadCount(flags, "max-line", 1024, 1 << 30, &max_line) ||
      !ReadCount(flags, "max-batch", 1, 1000000, &limits.max_batch) ||
      !ReadCount(flags, "max-depth", 2, 1024, &limits.max_depth)) {
    return 2;
  }
  std::unique_ptr<Engine> engine;
  std::unique_ptr<store::Store> data;
  if (const int failure = Start(flags, "", /*log_json=*/false, &engine, &data); failure != 0) {
    return failure;
  }
  const std::unique_ptr<Ticker> expiry = ExpiryWithoutStore(data.get(), engine.get());
  protocol::Dispatcher dispatcher(engine.get(), limits);
  protocol::LineBuffer in(max_line);
  std::string out;
  bool eof = false;
  bool overlong = false;  // stopped at a line past --max-line
  while (!eof && !overlong) {
    auto space = in.Writable(64 * 1024);
    const ssize_t n = ::read(STDIN_FILENO, space.data(), space.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof = true;
      // A last line without its newline still counts.
      if (in.pending() > 0) {
        auto tail = in.Writable(1);
        tail[0] = '\n';
        in.Commit(1);
      }
    } else {
      in.Commit(static_cast<std::size_t>(n));
    }
    // A line past --max-line is answered, and ends the input, as it ends a
    // serve connection (the lines after it were answered: not what serve
    // would answer).
    overlong = dispatcher.HandleLines(&in, &out, /*stop_at_overlong=*/true);
    if (!out.empty()) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) return 1;
      std::fflush(stdout);
      out.clear();
    }
  }
  if (data) {
    if (Status s = data->Close(); !s.ok()) {
      std::fprintf(stderr, "leadroute: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  if (overlong) {
    std::fprintf(stderr,
                 "leadroute: a request line longer than --max-line (%zu bytes): the rest of "
                 "the input is not read, as serve closes such a connection\n",
                 max_line);
    return 1;
  }
  return 0;
}

// Bytes of an upsert_opportunities request around its records, at most
// (its envelope with a 20-digit id, the closing brackets and the newline).
constexpr std::size_t kImportEnvelope = 128;
// Levels of nesting around a record in the request:
// {"params":{"opportunities":[RECORD]}}.
constexpr std::size_t kImportNesting = 3;

// The lines of a stream (a file, or a pipe), each without its "\n"; a line
// longer than `max` bytes is passed over without being held (*too_long).
class BoundedLines {
 public:
  BoundedLines(std::istream& in, std::size_t max) : in_(in), max_(max) {}
  bool Next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    bool started = false;
    while (true) {
      if (pos_ == buf_.size()) {
        buf_.resize(1 << 16);
        in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        buf_.resize(static_cast<std::size_t>(in_.gcount()));
        pos_ = 0;
        if (buf_.empty()) return started;  // a last line without "\n"
      }
      started = true;
      const char* begin = buf_.data() + pos_;
      const auto* nl =
          static_cast<const char*>(std::memchr(begin, '\n', buf_.size() - pos_));
      const std::size_t n = nl ? static_cast<std::size_t>(nl - begin) : buf_.size() - pos_;
      if (!*too_long && line->size() + n > max_) {
        *too_long = true;
        line->clear();
        line->shrink_to_fit();
      }
      if (!*too_long) line->append(begin, n);
      pos_ += n;
      if (nl != nullptr) {
        ++pos_;
        return true;
      }
    }
  }

 private:
  std::istream& in_;
  const std::size_t max_;
  std::string buf_;
  std::size_t pos_ = 0;
};

// A file import reads as CSV: named *.csv, in any case.
bool IsCsvPath(std::string_view path) {
  if (path.size() < 4) return false;
  std::string ext(path.substr(path.size() - 4));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".csv";
}

int RunImport(const Flags& flags) {
  const auto& args = flags.positional();
  if (flags.Has("help") || args.size() != 1) {
    std::printf(
        "usage: leadroute import FILE.jsonl|FILE.csv [--connect HOST:PORT] [--batch N]\n"
        "                       [--connections N]\n\n"
        "Loads opportunities, one JSON object per line (a CRM's export), into a\n"
        "running server with upsert_opportunities, two batches in flight.\n"
        "A file named *.csv is read as CSV instead: a header names the columns\n"
        "(id, owner.kind, owner.id, the party fields, products split at ';',\n"
        "amount, status, registered_at, expires_at, ids.TYPE), any case and\n"
        "order; an empty cell is absent; other columns are ignored (named on\n"
        "stderr).\n"
        "With --connections N the server works on N connections in parallel\n"
        "(the records of one id go over one connection, in file order), on its\n"
        "bulk threads, below its other clients' priority. Prints\n"
        "FILE:LINE: message for each record refused and a summary; exit 0 when\n"
        "every record was stored, 1 when some were refused, 2 on a failure to\n"
        "talk to the server or a request it refused as a whole (a token, a limit).\n"
        "A record longer or nested deeper than a request under the server's\n"
        "--max-line and --max-depth can carry is refused here, by its line.\n\n%s",
        FlagHelp(kImportFlags).c_str());
    return flags.Has("help") ? 0 : 2;
  }
  std::string host;
  std::uint16_t port = 0;
  if (!ReadConnect(flags, &host, &port)) return 2;
  std::size_t batch = 5000, seconds = 120, connections = 1, max_line = kMaxLine, max_depth = 64;
  if (!ReadCount(flags, "batch", 1, 10000, &batch) ||
      !ReadCount(flags, "connections", 1, 64, &connections) ||
      !ReadCount(flags, "timeout", 1, 3600, &seconds) ||
      !ReadCount(flags, "max-line", 1024, 1 << 30, &max_line) ||
      // A CSV row's record nests two deep (owner, products): with the
      // request around it, five.
      !ReadCount(flags, "max-depth", kImportNesting + 2, 1024, &max_depth)) {
    return 2;
  }
  // The longest record a request can carry, and the longest request.
  const std::size_t max_record = max_line - kImportEnvelope;
  const std::size_t max_request = max_line - 8;
  const std::string& path = args[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "leadroute: %s: cannot read\n", path.c_str());
    return 2;
  }
  simdjson::dom::parser parser;
  // One connection's state: the request being built, and the line numbers
  // of each batch in flight, oldest first.
  struct Lane {
    net::LineClient client;
    std::string request;
    std::vector<std::size_t> lines;
    std::deque<std::vector<std::size_t>> in_flight;
  };
  std::vector<Lane> lanes;
  for (std::size_t i = 0; i < connections; ++i) {
    auto client = net::LineClient::Connect(host, port, std::chrono::seconds(seconds));
    if (!client.ok()) {
      std::fprintf(stderr, "%s\n", std::string(client.status().message()).c_str());
      return 2;
    }
    lanes.push_back(Lane{std::move(*client), {}, {}, {}});
    if (auto token = flags.Get("token"); token && !token->empty()) {
      std::string hello = HelloRequest(*token);
      hello.push_back('\n');
      Lane& lane = lanes.back();
      auto answer = lane.client.Send(hello).ok() ? lane.client.ReadLine()
                                                 : Result<std::string>(Status::IoError("send"));
      simdjson::dom::element doc;
      if (!answer.ok() || parser.parse(*answer).get(doc) != simdjson::SUCCESS ||
          doc["result"].error() != simdjson::SUCCESS) {
        std::fprintf(stderr, "leadroute: hello refused\n");
        return 2;
      }
    }
  }
  std::size_t created = 0, updated = 0, refused = 0;
  // Every refused record, as the help says (a review found the first 50
  // printed and the rest left out without a word).
  auto refuse = [&](std::size_t line_no, std::string_view message) {
    ++refused;
    std::fprintf(stderr, "%s:%zu: %.*s\n", path.c_str(), line_no,
                 static_cast<int>(message.size()), message.data());
  };
  auto read_answer = [&](Lane& lane) -> bool {
    auto answer = lane.client.ReadLine();
    if (!answer.ok()) {
      std::fprintf(stderr, "%s\n", std::string(answer.status().message()).c_str());
      return false;
    }
    const std::vector<std::size_t> lines = std::move(lane.in_flight.front());
    lane.in_flight.pop_front();
    simdjson::dom::element doc, results, error;
    if (parser.parse(*answer).get(doc) != simdjson::SUCCESS) {
      std::fprintf(stderr, "leadroute: an answer that is not JSON\n");
      return false;
    }
    if (doc["error"].get(error) == simdjson::SUCCESS) {
      // The request as a whole (records are answered one by one): the
      // server will not take this import (a token, a limit), whatever its
      // records.
      std::string_view message = "refused";
      if (error["message"].get(message) != simdjson::SUCCESS) message = "refused";
      std::fprintf(stderr, "leadroute: the server refused a request (lines %zu to %zu): %.*s\n",
                   lines.front(), lines.back(), static_cast<int>(message.size()),
                   message.data());
      return false;
    }
    simdjson::dom::array array;
    if (doc["result"]["results"].get(array) != simdjson::SUCCESS || array.size() != lines.size()) {
      std::fprintf(stderr, "leadroute: an answer without one result per record\n");
      return false;
    }
    std::size_t i = 0;
    for (simdjson::dom::element r : array) {
      bool is_new = false;
      if (r["error"].get(error) == simdjson::SUCCESS) {
        std::string_view message = "refused", field;
        if (error["message"].get(message) != simdjson::SUCCESS) message = "refused";
        if (error["field"].get(field) == simdjson::SUCCESS) {
          // The record's own field, not its place in the batch sent.
          std::string where(field);
          if (const std::size_t close = field.find(']');
              field.starts_with("opportunities[") && close != std::string_view::npos) {
            where = "opportunity" + std::string(field.substr(close + 1));
          }
          refuse(lines[i], where + ": " + std::string(message));
        } else {
          refuse(lines[i], message);
        }
      } else if (r["created"].get(is_new) == simdjson::SUCCESS && is_new) {
        ++created;
      } else {
        ++updated;
      }
      ++i;
    }
    return true;
  };
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t id = 0;
  auto flush = [&](Lane& lane) -> bool {
    if (lane.lines.empty()) return true;
    lane.request.append("]}}\n");
    if (Status s = lane.client.Send(lane.request); !s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return false;
    }
    lane.in_flight.push_back(std::move(lane.lines));
    lane.lines.clear();
    lane.request.clear();
    return lane.in_flight.size() < 2 || read_answer(lane);
  };
  // One record, a JSON object, into its lane's batch (flushed when full).
  auto add = [&](std::string_view record, std::size_t line_no, std::string_view record_id) {
    // What no request could carry is refused here, alone: the server would
    // refuse the whole request around it (a review found a batch refused
    // for one record nested too deep, and an import ended by one too long).
    if (record.size() > max_record) {
      refuse(line_no, "a record of " + std::to_string(record.size()) +
                          " bytes: too long for a request under the server's line limit "
                          "(--max-line " + std::to_string(max_line) + ")");
      return true;
    }
    // One id, one connection: its records apply in file order. A record
    // without an id string is refused by the server wherever it goes.
    Lane& lane = lanes[std::hash<std::string_view>{}(record_id) % lanes.size()];
    // A record that would take the request past the server's line limit
    // goes into the next one.
    if (!lane.lines.empty() && lane.request.size() + 1 + record.size() + 3 > max_request &&
        !flush(lane)) {
      return false;
    }
    if (lane.lines.empty()) {
      lane.request = "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(++id) +
                     ",\"method\":\"upsert_opportunities\",\"params\":{\"opportunities\":[";
    } else {
      lane.request.push_back(',');
    }
    lane.request += record;
    lane.lines.push_back(line_no);
    return lane.lines.size() < batch || flush(lane);
  };
  if (IsCsvPath(path)) {
    in.close();
    auto mapped = store::Env::Default()->MapFile(path);
    if (!mapped.ok()) {
      std::fprintf(stderr, "leadroute: %s: cannot read\n", path.c_str());
      return 2;
    }
    const std::string_view text = (*mapped)->data();
    json::CsvReader reader(text);
    std::vector<json::CsvCell> cells;
    json::CsvCell error_at;
    std::string error, record, record_id;
    std::size_t count = 0;
    // A header of at most this many columns (a CRM export has tens).
    constexpr std::size_t kMaxColumns = 1024;
    while (!reader.done() && (!reader.Next(kMaxColumns, &cells, &count, &error_at, &error) ||
                              json::IsBlankRecord(cells, count))) {
      if (!error.empty()) {
        std::fprintf(stderr, "%s:%u:%u: %s\n", path.c_str(), error_at.line, error_at.col,
                     error.c_str());
        return 2;
      }
    }
    if (cells.empty() || count > kMaxColumns) {
      std::fprintf(stderr, "%s:1:1: %s\n", path.c_str(),
                   cells.empty() ? "no header (a CSV file names its columns in its first record)"
                                 : "more than 1024 columns");
      return 2;
    }
    std::vector<std::string> ignored;
    auto columns = cli::OpportunityCsv::FromHeader(cells, &ignored);
    if (!columns.ok()) {
      std::fprintf(stderr, "%s:%u:1: %s\n", path.c_str(), cells[0].line,
                   std::string(columns.status().message()).c_str());
      return 2;
    }
    for (const std::string& name : ignored) {
      std::fprintf(stderr, "%s:%u: column \"%s\" is no opportunity field: ignored\n",
                   path.c_str(), cells[0].line, name.c_str());
    }
    while (!reader.done()) {
      if (!reader.Next(columns->columns(), &cells, &count, &error_at, &error)) {
        refuse(error_at.line, error);
        continue;
      }
      const std::size_t line_no = cells.front().line;
      if (json::IsBlankRecord(cells, count)) continue;  // as in partners.csv
      if (count != columns->columns()) {
        refuse(line_no, std::to_string(count) + " fields, the header has " +
                            std::to_string(columns->columns()));
        continue;
      }
      std::size_t column = 0;
      if (Status s = columns->ToJson(cells, &record, &record_id, &column); !s.ok()) {
        refuse(cells[column].line,
               "opportunity." + std::string(s.field()) + ": " + std::string(s.message()));
        continue;
      }
      if (!add(record, line_no, record_id)) return 2;
    }
  } else {
    std::string line;
    std::size_t line_no = 0;
    simdjson::dom::element element;
    // A line longer than any request is passed over, not held (a file or a
    // pipe without a line break would otherwise be read whole).
    BoundedLines lines(in, max_record + 4);
    simdjson::dom::parser records;
    if (records.allocate(1 << 16, max_depth - kImportNesting) != simdjson::SUCCESS) {
      std::fprintf(stderr, "leadroute: out of memory\n");
      return 2;
    }
    bool too_long = false;
    while (lines.Next(&line, &too_long)) {
      ++line_no;
      if (too_long) {
        refuse(line_no, "a record too long for a request under the server's line limit "
                        "(--max-line " + std::to_string(max_line) + ")");
        continue;
      }
      if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // a BOM
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      // Parsed as deep as a request around it may go: the server's own
      // parser counts the same levels.
      if (const auto e = records.parse(line).get(element); e == simdjson::DEPTH_ERROR) {
        refuse(line_no, "nested too deep for a request under the server's limit (--max-depth " +
                            std::to_string(max_depth) + ")");
        continue;
      } else if (e != simdjson::SUCCESS || !element.is_object()) {
        refuse(line_no, "not a JSON object");
        continue;
      }
      std::string_view record_id;
      if (element["id"].get(record_id) != simdjson::SUCCESS) record_id = {};
      if (!add(line, line_no, record_id)) return 2;
    }
  }
  for (Lane& lane : lanes) {
    if (!flush(lane)) return 2;
  }
  for (Lane& lane : lanes) {
    while (!lane.in_flight.empty()) {
      if (!read_answer(lane)) return 2;
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::size_t stored = created + updated;
  std::printf("%zu stored (%zu new, %zu updated), %zu refused, in %.2f s: %.0f per second\n",
              stored, created, updated, refused, elapsed,
              elapsed > 0 ? static_cast<double>(stored) / elapsed : 0.0);
  return refused == 0 ? 0 : 1;
}

int RunRepair(const Flags& flags) {
  if (flags.Has("help")) {
    std::printf(
        "usage: leadroute repair [--data DIR]\n\n"
        "Makes a data directory that serve refuses to start from usable again,\n"
        "losing as little as possible: an unreadable snapshot is set aside (an\n"
        "older one or the journal alone takes its place); the journal is cut at\n"
        "its first bad record. Whatever is set aside goes to DIR/lost. Prints\n"
        "what it did. Run it only with the server stopped.\n\n%s",
        FlagHelp(kRepairFlags).c_str());
    return 0;
  }
  std::vector<std::string> actions;
  const std::string dir = flags.Get("data").value_or("./var");
  Status s = store::RepairDataDir(store::Env::Default(), dir, &actions);
  for (const std::string& a : actions) std::printf("%s\n", a.c_str());
  if (!s.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

int RunServe(const Flags& flags) {
  if (flags.Has("help")) {
    std::printf(
        "usage: leadroute serve [options]\n\n"
        "Serves JSON-RPC 2.0 over TCP, one request per line; responses come\n"
        "back in request order. HTTP on the second port: POST /rpc (the same\n"
        "bodies), GET /metrics, /livez, /readyz. SIGINT or SIGTERM stops it;\n"
        "SIGHUP reloads the rule set.\n\n%s",
        FlagHelp(kServeFlags).c_str());
    return 0;
  }
  // SIGHUP, SIGINT and SIGTERM wait until the server can act on them: the
  // rules and the data directory may take seconds to load, and their
  // default action ended the process meanwhile (a review found a SIGHUP
  // in the first 130 ms killed it, rc 129; a SIGTERM, rc 143, no final
  // snapshot). Blocked here, before any thread starts (each inherits the
  // mask), they stay pending; the main thread takes them once the
  // server's signal sets are in place.
  sigset_t held;
  sigemptyset(&held);
  for (int sig : {SIGHUP, SIGINT, SIGTERM}) sigaddset(&held, sig);
  pthread_sigmask(SIG_BLOCK, &held, nullptr);
  net::ServerOptions options;
  options.max_line = kMaxLine;
  if (auto listen = flags.Get("listen")) {
    if (!net::ParseListenAddress(*listen, &options.host, &options.port)) {
      std::fprintf(stderr, "%s\n",
                   flags.Complaint("listen", "wants ADDRESS:PORT (an IP address or localhost), got '" +
                                                 *listen + "'")
                       .c_str());
      return 2;
    }
  }
  if (auto http = flags.Get("http")) {
    if (*http == "off") {
      options.http = false;
    } else if (!net::ParseListenAddress(*http, &options.http_host, &options.http_port)) {
      std::fprintf(stderr, "%s\n",
                   flags.Complaint("http", "wants ADDRESS:PORT (an IP address or localhost) or "
                                           "off, got '" + *http + "'")
                       .c_str());
      return 2;
    }
  }
  if (!ReadCount(flags, "threads", 1, 256, &options.threads) ||
      !ReadCount(flags, "max-line", 1024, 1 << 30, &options.max_line) ||
      !ReadCount(flags, "max-batch", 1, 1000000, &options.limits.max_batch) ||
      !ReadCount(flags, "max-depth", 2, 1024, &options.limits.max_depth) ||
      !ReadCount(flags, "max-connections", 1, 1000000, &options.max_connections) ||
      !ReadCount(flags, "idle-seconds", 1, 86400, &options.idle_seconds) ||
      !ReadCount(flags, "line-seconds", 1, 86400, &options.line_seconds) ||
      !ReadCount(flags, "write-seconds", 1, 86400, &options.write_seconds) ||
      !ReadCount(flags, "max-output", 4096, std::size_t{1} << 32, &options.max_output) ||
      !ReadCount(flags, "http-idle-seconds", 1, 86400, &options.http_idle_seconds) ||
      !ReadCount(flags, "drain-seconds", 0, 3600, &options.drain_seconds)) {
    return 2;
  }
  options.token = flags.Get("token").value_or("");
  // Refused by Listen() too, but here before anything loads: a setting
  // refused (exit 2), as the others.
  if (const char* flag = net::ExposedWithoutToken(options)) {
    const std::string& host = std::string_view(flag) == "listen" ? options.host : options.http_host;
    std::fprintf(stderr, "%s\n",
                 flags.Complaint(flag, "is beyond loopback (" + host +
                                           ") and needs a token (--token or LEADROUTE_TOKEN)")
                     .c_str());
    return 2;
  }
  std::unique_ptr<Engine> engine;
  std::unique_ptr<store::Store> data;
  if (const int failure = Start(flags, "./var", /*log_json=*/true, &engine, &data); failure != 0) {
    return failure;
  }
  const std::unique_ptr<Ticker> expiry = ExpiryWithoutStore(data.get(), engine.get());
  options.feed = data.get();
  if (data) options.extra_metrics = [store = data.get()](std::string* out) { store->RenderMetrics(out); };
  net::TcpServer server(engine.get(), options);
  if (Status s = server.Listen(); !s.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", s.ToString().c_str());
    return 1;
  }
  const std::string http =
      options.http ? options.http_host + ":" + std::to_string(server.http_port()) : "off";
  const EngineStats stats = engine->Stats();
  Log("info", "listening",
      {{"tcp", options.host + ":" + std::to_string(server.port())},
       {"http", http},
       {"version", Version()},
       {"rules_version", stats.rules_version},
       {"partners", std::to_string(stats.partners)}});
  // The server's signal sets exist (since its construction) and keep what
  // comes until Run() waits on them: what was held is delivered now.
  pthread_sigmask(SIG_UNBLOCK, &held, nullptr);
  server.Run();
  if (data) {
    if (Status s = data->Close(); !s.ok()) {
      Log("error", "final snapshot failed", {{"detail", s.message()}});
      return 1;
    }
  }
  Log("info", "stopped");
  return 0;
}

}  // namespace
}  // namespace leadroute::cli

int main(int argc, char** argv) {
  using namespace leadroute::cli;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version" || command == "version") {
    if (command == "version" && !args.empty()) {
      const bool help = args.size() == 1 && (args[0] == "--help" || args[0] == "-h");
      std::fputs("usage: leadroute version\n\nPrints the version (also: leadroute --version).\n",
                 help ? stdout : stderr);
      return help ? 0 : 2;
    }
    std::printf("leadroute %s\n", std::string(leadroute::Version()).c_str());
    return 0;
  }
  const std::vector<FlagSpec>* specs = nullptr;
  int (*run)(const Flags&) = nullptr;
  if (command == "serve") {
    specs = &kServeFlags;
    run = &RunServe;
  } else if (command == "pipe") {
    specs = &kPipeFlags;
    run = &RunPipe;
  } else if (command == "call") {
    specs = &kCallFlags;
    run = &RunCall;
  } else if (command == "bench-rules") {
    specs = &kBenchRulesFlags;
    run = &RunBenchRules;
  } else if (command == "import") {
    specs = &kImportFlags;
    run = &RunImport;
  } else if (command == "repair") {
    specs = &kRepairFlags;
    run = &RunRepair;
  } else if (command == "lint") {
    specs = &kLintFlags;
    run = &RunLint;
  } else {
    std::fprintf(stderr, "leadroute: unknown command '%s'\n\n%s",
                 command.c_str(), kUsage);
    return 2;
  }
  auto flags = Flags::Parse(args, *specs);
  if (!flags.ok()) {
    std::fprintf(stderr, "leadroute %s: %s\n", command.c_str(),
                 std::string(flags.status().message()).c_str());
    return 2;
  }
  // An argument a command takes none of is refused, not passed over: a
  // review found `repair DIR` repairing ./var, and `pipe -h` serving.
  const bool takes_arguments = command == "call" || command == "import" || command == "lint";
  if (!takes_arguments && !flags->positional().empty()) {
    const std::string& extra = flags->positional().front();
    std::fprintf(stderr, "leadroute %s: unexpected argument '%s'%s (see leadroute %s --help)\n",
                 command.c_str(), extra.c_str(),
                 command == "repair" ? ": the directory is --data DIR" : "", command.c_str());
    return 2;
  }
  // Flags > LEADROUTE_* environment > the configuration file > defaults.
  // --help reads none of them (a bad file stopped it).
  if (leadroute::Status s =
          flags->Has("help") ? leadroute::Status::Ok() : ApplySettings(*specs, &*flags, kServeFlags);
      !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 2;
  }
  return run(*flags);
}
