// leadroute <command> [options]: the one binary (CONTRACT §2).
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "engine/engine_config.h"
#include "leadroute/engine.h"
#include "net/tcp_server.h"
#include "protocol/dispatcher.h"
#include "protocol/line_buffer.h"
#include "rules/rule_set.h"

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
    "  version   print the version\n"
    "\n"
    "`leadroute <command> --help` describes a command's options.\n";

constexpr char kDefaultRules[] = "rules/demo";

const std::vector<FlagSpec> kServeFlags = {
    {"listen", true, "TCP address HOST:PORT (default 127.0.0.1:7411)"},
    {"rules", true, "rule set directory (default rules/demo)"},
    {"config", true, "TOML configuration file (see README)"},
    {"default-country", true,
     "region hint for phones of parties without a country (e.g. US)"},
    {"threads", true, "worker threads (default: one per core)"},
    {"help", false, "show this help"},
};
const std::vector<FlagSpec> kLintFlags = {
    {"help", false, "show this help"},
};
const std::vector<FlagSpec> kPipeFlags = {
    {"rules", true, "rule set directory (default rules/demo)"},
    {"default-country", true,
     "region hint for phones of parties without a country (e.g. US)"},
    {"config", true, "TOML configuration file (see README)"},
    {"help", false, "show this help"},
};

std::unique_ptr<Engine> MakeEngine(const Flags& flags) {
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
    if (!code) {
      std::fprintf(stderr, "leadroute: --default-country wants a two-letter code\n");
      return nullptr;
    }
    options.default_country = *code;
  }
  auto engine = Engine::Create(std::move(options));
  if (!engine.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", engine.status().ToString().c_str());
    return nullptr;
  }
  // The rule set: the one named, else the demo when it is there (run from
  // the repository root); without one, routing answers -32004.
  const std::optional<std::string> named = flags.Get("rules");
  const std::string dir = named.value_or(kDefaultRules);
  if (named || ::access((dir + "/policy.toml").c_str(), R_OK) == 0) {
    auto info = (*engine)->LoadRules(dir);
    if (!info.ok()) {
      std::fprintf(stderr, "%s\n", std::string(info.status().message()).c_str());
      return nullptr;
    }
  }
  return std::move(*engine);
}

int RunLint(const Flags& flags) {
  if (flags.Has("help") || flags.positional().size() != 1) {
    std::printf(
        "usage: leadroute lint DIR\n\n"
        "Validates the rule set in DIR (policy.toml, partners.jsonl). Exit 0\n"
        "when valid; else 1, with every error as FILE:LINE:COL: message.\n");
    return flags.Has("help") ? 0 : 2;
  }
  auto normalizer = Normalizer::Create();
  if (!normalizer.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", normalizer.status().ToString().c_str());
    return 1;
  }
  const auto errors = rules::Lint(flags.positional()[0], **normalizer);
  for (const auto& e : errors) std::printf("%s\n", e.c_str());
  return errors.empty() ? 0 : 1;
}

// Reads requests from stdin and answers on stdout until end of input.
int RunPipe(const Flags& flags) {
  if (flags.Has("help")) {
    std::printf(
        "usage: leadroute pipe [options]\n\n"
        "Reads JSON-RPC 2.0 requests from stdin, one per line, and writes each\n"
        "response, one per line and in order, to stdout: byte for byte what\n"
        "`serve` answers.\n\n%s",
        FlagHelp(kPipeFlags).c_str());
    return 0;
  }
  auto engine = MakeEngine(flags);
  if (!engine) return 1;
  protocol::Dispatcher dispatcher(engine.get());
  protocol::LineBuffer in(kMaxLine);
  std::string out;
  bool eof = false;
  while (!eof) {
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
    dispatcher.HandleLines(&in, &out, /*stop_at_overlong=*/false);
    if (!out.empty()) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) return 1;
      std::fflush(stdout);
      out.clear();
    }
  }
  return 0;
}

int RunServe(const Flags& flags) {
  if (flags.Has("help")) {
    std::printf(
        "usage: leadroute serve [options]\n\n"
        "Serves JSON-RPC 2.0 over TCP, one request per line; responses come\n"
        "back in request order. SIGINT or SIGTERM stops it.\n\n%s",
        FlagHelp(kServeFlags).c_str());
    return 0;
  }
  net::ServerOptions options;
  options.max_line = kMaxLine;
  if (auto listen = flags.Get("listen")) {
    if (!net::ParseHostPort(*listen, &options.host, &options.port)) {
      std::fprintf(stderr, "leadroute: --listen wants HOST:PORT, got '%s'\n",
                   listen->c_str());
      return 2;
    }
  }
  if (auto threads = flags.Get("threads")) {
    unsigned n = 0;
    const char* end = threads->data() + threads->size();
    auto r = std::from_chars(threads->data(), end, n);
    if (r.ec != std::errc() || r.ptr != end || n < 1 || n > 256) {
      std::fprintf(stderr, "leadroute: --threads wants a number from 1 to 256\n");
      return 2;
    }
    options.threads = n;
  }
  auto engine = MakeEngine(flags);
  if (!engine) return 1;
  net::TcpServer server(engine.get(), options);
  if (Status s = server.Listen(); !s.ok()) {
    std::fprintf(stderr, "leadroute: %s\n", s.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "{\"level\":\"info\",\"msg\":\"listening\",\"tcp\":\"%s:%u\","
               "\"version\":\"%s\"}\n",
               options.host.c_str(), server.port(),
               std::string(Version()).c_str());
  server.Run();
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
  return run(*flags);
}
