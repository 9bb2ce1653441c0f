// The model tree: grouped by block, filled from the catalog at once, statistics arriving in
// the background, sortable and filterable — all under QAbstractItemModelTester.
#include "isolated_settings.h"
#include "model_document.h"
#include "settings.h"
#include "tensor_browser.h"
#include "tensor_tree_model.h"

#include "test_data.h"

#include "quantscope/io/checkpoint.h"
#include "quantscope/tensor/tensor_stats.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QTreeView>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace qs::gui;

class TestTensorTree : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qs::test::isolateSettings();
    }

    void headerMenuHidesColumnsAndRemembers()
    {
        ModelDocument doc;
        {
            TensorBrowser browser(&doc);
            QMenu* menu = browser.columnMenu();
            const auto actions = menu->actions();
            QCOMPARE(actions.size(), TensorTreeModel::ColumnCount - 1);  // every column but the name
            QCOMPARE(actions.at(TensorTreeModel::DTypeCol - 1)->text(),
                     browser.model()->headerData(TensorTreeModel::DTypeCol, Qt::Horizontal).toString());
            actions.at(TensorTreeModel::DTypeCol - 1)->setChecked(false);
            QVERIFY(browser.view()->isColumnHidden(TensorTreeModel::DTypeCol));
            QVERIFY(!browser.view()->isColumnHidden(TensorTreeModel::RelErr));
            delete menu;
        }
        TensorBrowser again(&doc);  // the next session starts with the same columns
        QVERIFY(again.view()->isColumnHidden(TensorTreeModel::DTypeCol));
        QVERIFY(!again.view()->isColumnHidden(TensorTreeModel::Shape));
        settings::hiddenTreeColumns.reset();
    }

    void blockNames()
    {
        QCOMPARE(TensorTreeModel::blockOf(QStringLiteral("layers.3.attention.wq.weight")), QStringLiteral("layers.3"));
        QCOMPARE(TensorTreeModel::blockOf(QStringLiteral("model.layers.12.mlp.up_proj.weight")), QStringLiteral("model.layers.12"));
        QCOMPARE(TensorTreeModel::blockOf(QStringLiteral("blk.0.attn_q.weight")), QStringLiteral("blk.0"));
        QCOMPARE(TensorTreeModel::blockOf(QStringLiteral("tok_embeddings.weight")), QString());
        QCOMPARE(TensorTreeModel::blockOf(QStringLiteral("norm.weight")), QString());
    }

    void treeFromCatalogThenStatistics()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        ModelDocument doc;
        TensorTreeModel model(&doc);
        TensorFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);

        QSignalSpy finished(&doc, &ModelDocument::summariesFinished);
        std::shared_ptr<const qs::Checkpoint> ckpt = qs::openCheckpoint(path);
        doc.setCheckpoint(ckpt, QStringLiteral("stories260K.bin"));
        // The tree is there at once: tok_embeddings, 5 blocks, norm.
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("layers.0"));
        QCOMPARE(model.rowCount(model.index(1, 0)), 9);
        const QModelIndex wq = model.indexOfTensor(*ckpt->find("layers.0.attention.wq.weight"));
        QCOMPARE(wq.data().toString(), QStringLiteral("layers.0.attention.wq.weight"));
        QCOMPARE(wq.siblingAtColumn(TensorTreeModel::Shape).data().toString(), QStringLiteral("[64 × 64]"));
        QCOMPARE(wq.siblingAtColumn(TensorTreeModel::Params).data(TensorTreeModel::SortRole).toLongLong(), 4096);
        QCOMPARE(wq.siblingAtColumn(TensorTreeModel::Role).data().toString(), QStringLiteral("linear"));

        QVERIFY(finished.wait(20000));
        QCOMPARE(doc.summariesDone(), ckpt->tensors().size());
        // Outlier % is the core's inspect statistic (share beyond 3σ), and a direct count.
        const qs::Matrix w = ckpt->readMatrix(*ckpt->find("layers.0.attention.wq.weight"));
        const qs::TensorStats stats = qs::computeTensorStats(w.values);
        std::int64_t outliers = 0;
        for (float v : w.values) outliers += std::abs(v - stats.mean) > 3 * stats.std;
        const double shown = wq.siblingAtColumn(TensorTreeModel::OutlierPercent).data(TensorTreeModel::SortRole).toDouble();
        QCOMPARE(shown, 100.0 * double(outliers) / double(w.size()));
        QVERIFY(qAbs(shown - 100.0 * stats.fractionBeyond3Sigma) < 1e-9);
        QVERIFY(shown > 0.0);
    }

    void filterAndNaturalSort()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        ModelDocument doc;
        TensorTreeModel model(&doc);
        TensorFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        doc.setCheckpoint(qs::openCheckpoint(path), QStringLiteral("stories260K.bin"));

        proxy.setFilterFixedString(QStringLiteral("attention.wq"));
        QCOMPARE(proxy.rowCount(), 5);  // the five blocks, each keeping only wq
        for (int r = 0; r < proxy.rowCount(); ++r) QCOMPARE(proxy.rowCount(proxy.index(r, 0)), 1);
        proxy.setFilterFixedString(QString());

        proxy.sort(TensorTreeModel::Params, Qt::DescendingOrder);
        // Top level by params: the five blocks (45,440) before the embedding (32,768).
        QCOMPARE(proxy.index(5, 0).data().toString(), QStringLiteral("tok_embeddings.weight"));
        proxy.sort(TensorTreeModel::Name, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("layers.0"));
        QCOMPARE(proxy.index(4, 0).data().toString(), QStringLiteral("layers.4"));
        QCOMPARE(proxy.index(6, 0).data().toString(), QStringLiteral("tok_embeddings.weight"));
        QTRY_VERIFY_WITH_TIMEOUT(doc.summariesDone() == doc.tensorCount(), 20000);
        proxy.sort(TensorTreeModel::OutlierPercent, Qt::DescendingOrder);
    }

    void reopenResetsTheTree()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(v1, "llm/stories260K_v1.bin");
        ModelDocument doc;
        TensorTreeModel model(&doc);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        doc.setCheckpoint(qs::openCheckpoint(path), QStringLiteral("a"));
        doc.setCheckpoint(qs::openCheckpoint(v1), QStringLiteral("b"));  // while statistics run
        QTRY_VERIFY_WITH_TIMEOUT(doc.summariesDone() == doc.tensorCount(), 20000);
        QCOMPARE(model.rowCount(), 7);
        doc.setCheckpoint(nullptr, QString());
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestTensorTree)
#include "test_tensor_tree.moc"
