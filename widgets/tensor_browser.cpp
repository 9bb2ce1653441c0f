#include "tensor_browser.h"

#include "model_document.h"
#include "settings.h"
#include "tensor_tree_model.h"

#include <QAction>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QTreeView>
#include <QVBoxLayout>

namespace qs::gui {

TensorBrowser::TensorBrowser(ModelDocument* document, QWidget* parent)
    : QWidget(parent),
      m_document(document),
      m_model(new TensorTreeModel(document, this)),
      m_proxy(new TensorFilterModel(this)),
      m_filter(new QLineEdit),
      m_view(new QTreeView)
{
    setObjectName(QStringLiteral("tensorBrowser"));
    m_filter->setObjectName(QStringLiteral("tensorFilter"));
    m_view->setObjectName(QStringLiteral("tensorTree"));
    m_filter->setClearButtonEnabled(true);
    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);  // catalog order until the user sorts
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->header()->setStretchLastSection(false);
    m_view->setColumnWidth(TensorTreeModel::Name, 220);
    // The dock is narrower than all nine columns: a right click on the header hides or shows
    // columns, so rel_err or outlier % can sit next to the names.
    for (const QString& c : settings::hiddenTreeColumns.get().split(u',', Qt::SkipEmptyParts))
        if (const int k = c.toInt(); k > TensorTreeModel::Name && k < TensorTreeModel::ColumnCount) m_view->setColumnHidden(k, true);
    m_view->header()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view->header(), &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        columnMenu()->popup(m_view->header()->mapToGlobal(pos));
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty()) m_view->expandAll();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        const int tensor = current.data(TensorTreeModel::TensorIndexRole).toInt();
        // Re-sorting while statistics arrive re-emits the same row; only a new tensor counts.
        if (!current.isValid() || tensor < 0 || tensor == m_lastSelected) return;
        m_lastSelected = tensor;
        Q_EMIT tensorSelected(std::size_t(tensor));
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_lastSelected = -1;
        m_view->expandAll();  // size the name column for the tensors inside blocks too
        for (int c = 0; c < TensorTreeModel::ColumnCount; ++c) m_view->resizeColumnToContents(c);
        m_view->collapseAll();
    });
    retranslate();
}

QMenu* TensorBrowser::columnMenu()
{
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("tensorColumnsMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    for (int c = TensorTreeModel::Name + 1; c < TensorTreeModel::ColumnCount; ++c) {
        QAction* a = menu->addAction(m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
        a->setCheckable(true);
        a->setChecked(!m_view->isColumnHidden(c));
        connect(a, &QAction::toggled, this, [this, c](bool on) {
            m_view->setColumnHidden(c, !on);
            QStringList hidden;
            for (int k = 0; k < TensorTreeModel::ColumnCount; ++k)
                if (m_view->isColumnHidden(k)) hidden << QString::number(k);
            settings::hiddenTreeColumns.set(hidden.join(u','));
        });
    }
    return menu;
}

void TensorBrowser::retranslate()
{
    m_filter->setPlaceholderText(tr("Filter tensors by name"));
    Q_EMIT m_model->headerDataChanged(Qt::Horizontal, 0, TensorTreeModel::ColumnCount - 1);
}

void TensorBrowser::selectTensor(std::size_t index)
{
    const QModelIndex source = m_model->indexOfTensor(index);
    const QModelIndex proxy = m_proxy->mapFromSource(source);
    if (!proxy.isValid()) return;
    m_view->expand(proxy.parent());
    m_view->setCurrentIndex(proxy);
    m_view->scrollTo(proxy);
}

std::optional<std::size_t> TensorBrowser::selectedTensor() const
{
    const int t = m_view->currentIndex().data(TensorTreeModel::TensorIndexRole).toInt();
    if (!m_view->currentIndex().isValid() || t < 0) return std::nullopt;
    return std::size_t(t);
}

}  // namespace qs::gui
