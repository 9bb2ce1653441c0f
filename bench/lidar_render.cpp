// Frames per second rendering a 120K-point KITTI frame (000001: 120,268 points) with its
// labels and the PointPillars detections in an 800x600 PointCloudView, against two baselines
// measured in the same run: the same view with the points only, and an empty scene.
#include "quantscope/lidar/kitti.h"
#include "quantscope/viewers/point_cloud_view.h"
#include "quantscope/viewers/surface_format.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QWindow>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <sys/resource.h>

namespace {

using namespace qs;
using namespace qs::viewers;

std::filesystem::path dataDir()
{
    const char* env = std::getenv("QS_TEST_DATA");
    return std::filesystem::path(env ? env : QS_TEST_DATA_DEFAULT) / "lidar";
}

struct Scene {
    PointCloud cloud;
    std::vector<Box3D> gt, det;
};

const Scene& scene()
{
    static const Scene s = [] {
        Scene sc;
        const auto root = dataDir();
        const KittiCalib calib = readKittiCalib(root / "kitti/training/calib/000001.txt");
        sc.cloud = readPointCloud(root / "kitti/training/velodyne/000001.bin");
        for (const auto& b : readKittiLabels(root / "kitti/training/label_2/000001.txt", calib))
            if (!b.isDontCare()) sc.gt.push_back(b);
        sc.det = readPredVelo(root / "kitti_fov/pred_velo_000001.txt");
        return sc;
    }();
    return s;
}

bool waitExposed(QWidget& w)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 5000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (w.windowHandle() && w.windowHandle()->isExposed()) return true;
    }
    return false;
}

double processCpuSeconds()
{
    // All threads of the process: with Mesa's llvmpipe the rasteriser threads do the work,
    // and on a shared machine wall time mostly measures waiting for a core.
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

std::map<int, double> g_fps;     // Content -> frames per second (wall clock)
std::map<int, double> g_cpuMs;   // Content -> process CPU milliseconds per frame

enum class Content { Empty, Points, PointsAndBoxes };

void renderLoop(benchmark::State& state, Content content)
{
    PointCloudView view;
    view.resize(800, 600);
    if (content != Content::Empty) view.setPointCloud(scene().cloud);
    if (content == Content::PointsAndBoxes) {
        view.setBoxes(BoxSet::GroundTruth, scene().gt);
        view.setBoxes(BoxSet::DetectionsA, scene().det);
    }
    view.show();
    if (!waitExposed(view)) {
        state.SkipWithError("no display (run under xvfb-run)");
        return;
    }
    view.renderNow();  // first frame uploads buffers and compiles shaders: not measured
    CameraState cam = view.cameraState();
    std::size_t frames = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        // Orbit a little each frame so nothing can be served from a cached image.
        cam.position[1] += (frames % 2 ? 0.05 : -0.05);
        view.setCameraState(cam);
        view.renderNow();
        ++frames;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpuMs = 1e3 * (processCpuSeconds() - cpu0) / static_cast<double>(frames);
    state.counters["cpu_ms_per_frame"] = cpuMs;
    g_cpuMs[static_cast<int>(content)] = cpuMs;
    state.counters["fps"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
    state.counters["points"] = static_cast<double>(content == Content::Empty ? 0 : scene().cloud.size());
    g_fps[static_cast<int>(content)] = frames / seconds;
}

void BM_RenderEmptyScene(benchmark::State& s) { renderLoop(s, Content::Empty); }
void BM_RenderPoints120K(benchmark::State& s) { renderLoop(s, Content::Points); }
void BM_RenderPoints120KWithBoxes(benchmark::State& s) { renderLoop(s, Content::PointsAndBoxes); }

BENCHMARK(BM_RenderEmptyScene)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_RenderPoints120K)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_RenderPoints120KWithBoxes)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

}  // namespace

int main(int argc, char** argv)
{
    qs::viewers::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    const double boxes = g_fps[static_cast<int>(Content::PointsAndBoxes)];
    const double points = g_fps[static_cast<int>(Content::Points)];
    const double empty = g_fps[static_cast<int>(Content::Empty)];
    if (boxes > 0 && points > 0 && empty > 0) {
        std::printf("\n%zu points + %zu GT + %zu detection boxes, 800x600: %.1f FPS (target >= 30)\n",
                    scene().cloud.size(), scene().gt.size(), scene().det.size(), boxes);
        std::printf("ratio vs points only (%.1f FPS): %.3f\n", points, boxes / points);
        std::printf("ratio vs empty scene (%.1f FPS): %.3f\n", empty, boxes / empty);
        std::printf("process CPU per frame (all threads): boxes %.1f ms, points only %.1f ms, empty %.1f ms\n",
                    g_cpuMs[static_cast<int>(Content::PointsAndBoxes)], g_cpuMs[static_cast<int>(Content::Points)],
                    g_cpuMs[static_cast<int>(Content::Empty)]);
    } else {
        std::printf("a benchmark did not run (filtered out, or no display)\n");
    }
    return 0;
}
