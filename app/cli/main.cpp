// quantscope-cli: every computation the GUI offers, from the command line, with the same numbers.
#include "commands.h"

#include "quantscope/error.h"
#include "quantscope/version.h"

#include <iostream>
#include <vector>

int main(int argc, char** argv)
{
    CLI::App app{"QuantScope command line: inspect, quantize, evaluate and export neural-network checkpoints.",
                 "quantscope-cli"};
    app.set_version_flag("--version", std::string(qs::version()));
    app.require_subcommand(1, 1);
    app.fallthrough(false);

    std::vector<qs::cli::Command> commands;
    for (const auto& [name, add] : qs::cli::registeredCommands()) commands.push_back(add(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);  // prints the message
        return 2;     // usage errors are exit code 2, always
    }

    for (const auto& c : commands) {
        if (!c.app->parsed()) continue;
        try {
            return c.run();
        } catch (const qs::Cancelled&) {
            std::cerr << "quantscope-cli: cancelled\n";
            return 130;
        } catch (const qs::InvalidArgument& e) {
            std::cerr << "quantscope-cli " << c.app->get_name() << ": " << e.what() << '\n';
            return 2;
        } catch (const qs::Error& e) {
            std::cerr << "quantscope-cli " << c.app->get_name() << ": error: " << e.what() << '\n';
            return 1;
        } catch (const std::bad_alloc&) {
            std::cerr << "quantscope-cli " << c.app->get_name() << ": error: out of memory\n";
            return 1;
        }
    }
    return 0;
}
