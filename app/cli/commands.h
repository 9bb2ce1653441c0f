#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and is registered in main.cpp through one
// add<Name>Command function: it declares the subcommand's options on `parent` and returns the
// function to run once parsing succeeded. Runners return the process exit code and may throw
// qs::Error, which main turns into a message and exit code 1.

#include <CLI/CLI.hpp>

#include <functional>

namespace qs::cli {

struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

}  // namespace qs::cli
