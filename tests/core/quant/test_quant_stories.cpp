// Issue 11's checks on the real stories260K (llama2.c, 35 weight matrices, 3,000 channels):
// 4-bit per-channel rel_err easyquant < rtn-mse < rtn on the large majority of matrices,
// outlier fraction < 1 % at n = 3, and the search solver's objective <= Adam's (paper
// settings lr 1e-4, 500 steps) on >= 99.9 % of channels. Prints the numbers as a table.

#include "quantscope/io/checkpoint.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantize.h"
#include "test_data.h"

#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace qs;

namespace {

// ASan/UBSan builds run Adam on every 4th matrix only (500 O(n) passes per channel).
#if defined(__SANITIZE_ADDRESS__)
constexpr int kAdamStride = 4;
#else
constexpr int kAdamStride = 1;
#endif
/// Objectives are compared after fp16 rounding of both scales: equal minima may differ by this.
constexpr double kObjectiveRelTol = 1e-9;

std::vector<std::size_t> weightMatrices(const Checkpoint& c)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < c.tensors().size(); ++i)
        if (c.tensors()[i].role == TensorRole::Linear && c.tensors()[i].shape.size() == 2) out.push_back(i);
    return out;
}

/// Σ over the row's normal values of (Q(x) - x)² from the stored codes.
double rowObjective(const Matrix& w, const QuantizedTensor& q, std::int64_t r)
{
    auto k = std::lower_bound(q.outlierIndex.begin(), q.outlierIndex.end(), std::uint64_t(r * w.cols));
    double sum = 0;
    for (std::int64_t c = 0; c < w.cols; ++c) {
        const auto i = std::uint64_t(r * w.cols + c);
        if (k != q.outlierIndex.end() && *k == i) {
            ++k;
            continue;
        }
        const double e = double(q.scales[r]) * (int(q.codes[i]) - q.offsets[r]) - w.values[i];
        sum += e * e;
    }
    return sum;
}

}  // namespace

class TestQuantStories : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void easyQuantBeatsBaselinesPerMatrix()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto ckpt = openCheckpoint(path);
        const auto mats = weightMatrices(*ckpt);
        QCOMPARE(mats.size(), std::size_t(35));
        int ordered = 0;
        double worstOutlierFrac = 0;
        std::int64_t outliers = 0, elements = 0;
        qInfo("%-34s %9s %9s %9s %8s %6s", "tensor (4-bit, per-channel)", "rtn", "rtn-mse", "easyquant", "outl%", "bpw");
        double sum[3] = {0, 0, 0};
        for (const auto idx : mats) {
            const Matrix w = ckpt->readMatrix(idx);
            QuantSettings s;
            s.method = QuantMethod::Rtn;
            const double rtn = measure(w, quantizeMatrix(w, s)).relErr;
            s.method = QuantMethod::RtnMse;
            const double mse = measure(w, quantizeMatrix(w, s)).relErr;
            s.method = QuantMethod::EasyQuant;
            const TensorMetrics eq = measure(w, quantizeMatrix(w, s));
            if (eq.relErr < mse && mse < rtn) ++ordered;
            worstOutlierFrac = std::max(worstOutlierFrac, eq.outlierFrac);
            outliers += eq.outliers;
            elements += eq.elements;
            sum[0] += rtn;
            sum[1] += mse;
            sum[2] += eq.relErr;
            qInfo("%-34s %9.5f %9.5f %9.5f %8.3f %6.3f", ckpt->tensors()[idx].name.c_str(), rtn, mse, eq.relErr,
                  100 * eq.outlierFrac, eq.bpw);
        }
        qInfo("%-34s %9.5f %9.5f %9.5f", "mean rel_err", sum[0] / 35, sum[1] / 35, sum[2] / 35);
        const double totalFrac = double(outliers) / double(elements);
        qInfo("easyquant < rtn-mse < rtn on %d of 35 matrices; outliers %.3f %% of all weights, at most %.3f %% in one "
              "matrix", ordered, 100 * totalFrac, 100 * worstOutlierFrac);
        QVERIFY2(ordered >= 30, qPrintable(QString("ordering holds on only %1 of 35").arg(ordered)));
        QVERIFY(totalFrac < 0.01);
    }

    void searchObjectiveNotAboveAdamPerChannel()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto ckpt = openCheckpoint(path);
        const auto mats = weightMatrices(*ckpt);
        for (int bits : {4, 3}) {
            std::int64_t channels = 0, notWorse = 0;
            double totalSearch = 0, totalAdam = 0;
            for (std::size_t m = 0; m < mats.size(); m += kAdamStride) {
                const Matrix w = ckpt->readMatrix(mats[m]);
                QuantSettings s;  // easyquant, whole-matrix 3σ, restricted range, fp16 scales
                s.bits = bits;
                s.solver = RangeSolver::Search;
                const auto search = quantizeMatrix(w, s);
                s.solver = RangeSolver::Adam;  // paper settings: lr 1e-4, 500 steps
                const auto adam = quantizeMatrix(w, s);
                QVERIFY(search.outlierIndex == adam.outlierIndex);
                for (std::int64_t r = 0; r < w.rows; ++r) {
                    const double a = rowObjective(w, adam, r), b = rowObjective(w, search, r);
                    ++channels;
                    if (b <= a * (1 + kObjectiveRelTol))
                        ++notWorse;
                    else
                        qInfo("  %s row %lld: search %.9g (scale %.6g) > adam %.9g (scale %.6g)",
                              ckpt->tensors()[mats[m]].name.c_str(), static_cast<long long>(r), b, double(search.scales[r]), a,
                              double(adam.scales[r]));
                    totalSearch += b;
                    totalAdam += a;
                }
            }
            const double share = double(notWorse) / double(channels);
            qInfo("%d-bit: search objective <= adam on %lld of %lld channels (%.2f %%); total search/adam = %.4f",
                  bits, static_cast<long long>(notWorse), static_cast<long long>(channels), 100 * share,
                  totalSearch / totalAdam);
            QVERIFY(share >= 0.999);
            QVERIFY(totalSearch < totalAdam);
        }
    }
};

QTEST_APPLESS_MAIN(TestQuantStories)
#include "test_quant_stories.moc"
