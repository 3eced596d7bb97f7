// Where a command's settings come from, highest priority first: flags,
// LEADROUTE_* environment variables, the [server] table of the TOML
// configuration file, defaults. Every flag that takes a value has an
// environment variable (--max-line: LEADROUTE_MAX_LINE) and a file key
// (max_line).
#ifndef LEADROUTE_CLI_SETTINGS_H_
#define LEADROUTE_CLI_SETTINGS_H_

#include <string_view>
#include <vector>

#include "cli/flags.h"
#include "leadroute/status.h"

namespace leadroute::cli {

// Fills the flags the command line left unset from the environment (an
// empty variable counts as unset), then from the configuration file named
// by --config (or LEADROUTE_CONFIG). The file's [server] may also hold
// `shared` settings (the server's: one file serves serve, pipe and
// bench-rules), which a command without them passes over. Errors: the
// file's, all at once, as FILE:LINE:COL: message (an unknown key or
// section, a wrong type, a setting given twice, its [conflict]'s).
Status ApplySettings(const std::vector<FlagSpec>& specs, Flags* flags,
                     const std::vector<FlagSpec>& shared = {});

// The configuration file's part, from its text (`path` names it in errors).
Status ApplySettingsFile(std::string_view text, std::string_view path,
                         const std::vector<FlagSpec>& specs, Flags* flags,
                         const std::vector<FlagSpec>& shared = {});

}  // namespace leadroute::cli

#endif  // LEADROUTE_CLI_SETTINGS_H_
