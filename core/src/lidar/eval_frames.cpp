// Pairing of label / calib / detection files by frame id for evaluation.
#include "quantscope/error.h"
#include "quantscope/lidar/detection_eval.h"

#include <map>

namespace qs {

namespace fs = std::filesystem;

std::string frameIdOf(const fs::path& file)
{
    std::string stem = file.filename().string();
    // "x.pcd.bin" -> "x"; "pred_velo_000003.txt" -> "pred_velo_000003"
    if (const auto dot = stem.find('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
    std::size_t k = stem.size();
    while (k > 0 && stem[k - 1] >= '0' && stem[k - 1] <= '9') --k;
    return k < stem.size() ? stem.substr(k) : stem;
}

namespace {

/// id -> file for a directory (regular *.txt files), or {"" -> path} for a single file.
std::map<std::string, fs::path> filesById(const fs::path& p, const char* what)
{
    std::map<std::string, fs::path> out;
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
        for (const auto& e : fs::directory_iterator(p)) {
            if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
            const std::string id = frameIdOf(e.path());
            if (!out.emplace(id, e.path()).second)
                throw InvalidArgument(std::string(what) + " folder " + p.string() + ": two files for frame " + id);
        }
        if (out.empty()) throw InvalidArgument(std::string(what) + " folder " + p.string() + " holds no .txt files");
    } else if (fs::exists(p, ec)) {
        out.emplace("", p);
    } else {
        throw IoError(p.string() + ": no such file or directory (" + what + ")");
    }
    return out;
}

const fs::path* lookup(const std::map<std::string, fs::path>& m, const std::string& id)
{
    if (m.size() == 1 && m.begin()->first.empty()) return &m.begin()->second;
    const auto it = m.find(id);
    return it == m.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<EvalFrame> loadEvalFrames(const fs::path& gtPath, const fs::path& calibPath, const fs::path& detPath,
                                      std::vector<std::string>* warnings)
{
    const auto gts = filesById(gtPath, "ground truth");
    const auto calibs = filesById(calibPath, "calibration");
    const auto dets = filesById(detPath, "detections");
    const bool singleGt = gts.size() == 1 && gts.begin()->first.empty();
    if (singleGt != (dets.size() == 1 && dets.begin()->first.empty()))
        throw InvalidArgument("--gt and --det must both be files or both be folders");
    std::vector<EvalFrame> frames;
    for (const auto& [id, gtFile] : gts) {
        const fs::path* calibFile = lookup(calibs, id);
        if (!calibFile) throw InvalidArgument("no calibration file for frame " + id + " in " + calibPath.string());
        const KittiCalib calib = readKittiCalib(*calibFile);
        EvalFrame f;
        f.id = singleGt ? frameIdOf(gtFile) : id;
        f.groundTruth = readKittiLabels(gtFile, calib);
        if (const fs::path* detFile = lookup(dets, id)) {
            f.detections = readDetections(*detFile, &calib);
            fillProjectedImageBoxes(calib, f.detections);
        } else if (warnings) {
            warnings->push_back("frame " + id + ": no detection file, counted as no detections");
        }
        frames.push_back(std::move(f));
    }
    if (warnings && !singleGt)
        for (const auto& [id, file] : dets)
            if (!gts.count(id)) warnings->push_back("frame " + id + ": detections without ground truth, skipped");
    return frames;
}

}  // namespace qs
