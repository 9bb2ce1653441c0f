// Tensor statistics: known values, non-finite handling, and identical results at any thread count.
#include "quantscope/tensor/tensor_stats.h"

#include <QTest>

#include <tbb/global_control.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace qs;

class TestTensorStats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownValues()
    {
        // {1..6}: mean 3.5, population variance 35/12, m4 = 707/48, kurtosis = m4/m2^2 - 3.
        const std::vector<float> v = {1, 2, 3, 4, 5, 6};
        const auto s = computeTensorStats(v);
        QCOMPARE(s.count, 6ull);
        QCOMPARE(s.mean, 3.5);
        QVERIFY(std::fabs(s.std - std::sqrt(35.0 / 12)) < 1e-12);
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 6.0);
        QCOMPARE(s.absmax, 6.0);
        QVERIFY(std::fabs(s.absmaxOverStd - 6 / std::sqrt(35.0 / 12)) < 1e-12);
        const double m2 = 35.0 / 12, m4 = 707.0 / 48;
        QVERIFY(std::fabs(s.kurtosis - (m4 / (m2 * m2) - 3)) < 1e-12);
        QCOMPARE(s.fractionBeyond3Sigma, 0.0);
    }

    void outliersAndNonFinite()
    {
        std::vector<float> v(1000, 0.0f);
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = (i % 2) ? 1.0f : -1.0f;
        v[10] = 100.0f;
        v[20] = std::numeric_limits<float>::quiet_NaN();
        v[30] = -std::numeric_limits<float>::infinity();
        const auto s = computeTensorStats(v);
        QCOMPARE(s.count, 998ull);
        QCOMPARE(s.nonFinite, 2ull);
        QCOMPARE(s.max, 100.0);
        QCOMPARE(s.fractionBeyond3Sigma, 1.0 / 998);
        QVERIFY(s.kurtosis > 100);  // one huge outlier: heavy tails
    }

    void emptyAndConstant()
    {
        const auto e = computeTensorStats({});
        QCOMPARE(e.count, 0ull);
        const std::vector<float> c(77, 2.5f);
        const auto s = computeTensorStats(c);
        QCOMPARE(s.mean, 2.5);
        QCOMPARE(s.std, 0.0);
        QCOMPARE(s.absmaxOverStd, 0.0);
        QCOMPARE(s.kurtosis, 0.0);
    }

    void sameBitsAtAnyThreadCount()
    {
        std::mt19937 rng(3);
        std::normal_distribution<float> nd(0.1f, 2.0f);
        std::vector<float> v(1'000'003);
        for (auto& x : v) x = nd(rng);
        TensorStats one, many;
        {
            tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
            one = computeTensorStats(v);
        }
        {
            tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 8);
            many = computeTensorStats(v);
        }
        QCOMPARE(std::memcmp(&one, &many, sizeof one), 0);
        QVERIFY(std::fabs(one.mean - 0.1) < 0.01);
        QVERIFY(std::fabs(one.std - 2.0) < 0.01);
        QVERIFY(std::fabs(one.kurtosis) < 0.05);  // Gaussian: excess kurtosis 0
        QVERIFY(std::fabs(one.fractionBeyond3Sigma - 0.0027) < 0.0005);
    }
};

QTEST_APPLESS_MAIN(TestTensorStats)
#include "test_tensor_stats.moc"
