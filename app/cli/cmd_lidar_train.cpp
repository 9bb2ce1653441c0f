// quantscope-cli lidar-train: trains the pillar detector on simulated scenes and writes
// safetensors (docs/lidar-detector.md).
#include "commands.h"

#include "quantscope/models/pillar_training.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace {

struct Options {
    std::string out;
    int scenes = 300, epochs = 3, batch = 2, threads = 0, maxSteps = 0, logEvery = 25;
    std::uint64_t seed = 7;
    float lr = 2e-3f, pillarSize = 0.32f;
    int pillarChannels = 16, backboneChannels = 32, blocks = 3;
};

qs::cli::Command addLidarTrainCommand(CLI::App& parent)
{
    auto o = std::make_shared<Options>();
    auto* app = parent.add_subcommand("lidar-train", "Train the pillar LiDAR detector on simulated scenes (writes safetensors)");
    app->add_option("--out", o->out, "weights file to write (.safetensors)")->required();
    app->add_option("--scenes", o->scenes, "training scenes per epoch (default 300)");
    app->add_option("--epochs", o->epochs, "passes over the scenes (default 3; each pass re-augments)");
    app->add_option("--seed", o->seed, "seed of scenes, initialization and augmentation (default 7)");
    app->add_option("--batch", o->batch, "scenes per step (default 2)");
    app->add_option("--lr", o->lr, "Adam learning rate (default 0.002, cosine decay)");
    app->add_option("--pillar-size", o->pillarSize, "BEV cell in metres (default 0.32)");
    app->add_option("--pillar-channels", o->pillarChannels, "pillar feature channels (default 16)");
    app->add_option("--channels", o->backboneChannels, "backbone channels (default 32)");
    app->add_option("--blocks", o->blocks, "stride-2 backbone blocks (default 3)");
    app->add_option("--max-steps", o->maxSteps, "stop after this many steps");
    app->add_option("--threads", o->threads, "worker threads (0 = all cores; the result does not depend on it)");
    app->add_option("--log-every", o->logEvery, "print the loss every N steps (default 25)");
    return {app, [o]() {
                qs::PillarTrainSettings s;
                s.scenes = o->scenes, s.epochs = o->epochs, s.batch = o->batch, s.seed = o->seed;
                s.learningRate = o->lr, s.maxSteps = o->maxSteps, s.threads = o->threads;
                s.config.pillarSize = o->pillarSize;
                s.config.pillarChannels = o->pillarChannels;
                s.config.backboneChannels = o->backboneChannels;
                s.config.backboneBlocks = o->blocks;
                s.config.validate();
                std::cout << "lidar-train: " << s.scenes << " scenes x " << s.epochs << " epochs, batch " << s.batch
                          << ", seed " << s.seed << ", grid " << s.config.gridW() << "x" << s.config.gridH() << " ("
                          << s.config.pillarSize << " m), head " << s.config.headW() << "x" << s.config.headH() << std::endl;
                double lossSum = 0.0;
                int lossCount = 0;
                auto onStep = [&](const qs::TrainStep& t) {
                    lossSum += t.loss, ++lossCount;
                    if (t.step % std::max(1, o->logEvery) == 0 || t.step == t.totalSteps) {
                        std::printf("step %5d/%d  epoch %d  loss %.4f (mean of last %d %.4f)  heatmap %.4f  regression %.4f  %.1f s\n",
                                    t.step, t.totalSteps, t.epoch + 1, t.loss, lossCount, lossSum / lossCount, t.heatmapLoss,
                                    t.regressionLoss, t.seconds);
                        std::fflush(stdout);
                        lossSum = 0.0, lossCount = 0;
                    }
                };
                const auto r = qs::trainPillarDetector(s, onStep);
                char secs[32];
                std::snprintf(secs, sizeof secs, "%.1f", r.seconds);
                r.model.save(o->out, {{"training", "quantscope-cli lidar-train --scenes " + std::to_string(s.scenes) +
                                                       " --epochs " + std::to_string(s.epochs) + " --seed " +
                                                       std::to_string(s.seed) + " --batch " + std::to_string(s.batch)},
                                      {"training_seconds", secs}});
                std::cout << "trained " << r.history.size() << " steps in " << secs << " s; " << r.model.parameterCount()
                          << " parameters written to " << o->out << '\n';
                return 0;
            }};
}

const qs::cli::Registration reg{"lidar-train", &addLidarTrainCommand};

}  // namespace
