#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself with one static
//   static const qs::cli::Registration reg{"name", &addNameCommand};
// The add function declares the subcommand's options on `parent` and returns the function to
// run once parsing succeeded. Runners return the exit code and may throw qs::Error, which main
// turns into a message and exit code 1 (InvalidArgument: 2).

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace qs::cli {

struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

using AddCommand = Command (*)(CLI::App& parent);

struct Registration {
    Registration(std::string name, AddCommand add);
};

/// Every registered command, sorted by name.
std::vector<std::pair<std::string, AddCommand>> registeredCommands();

}  // namespace qs::cli
