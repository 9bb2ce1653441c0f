#include "tensor_tree_model.h"

#include "model_document.h"

#include <QCollator>
#include <QLocale>
#include <QRegularExpression>

#include <cmath>
#include <map>

namespace qs::gui {

namespace {

QString shapeText(const std::vector<std::int64_t>& shape)
{
    QStringList parts;
    for (auto d : shape) parts << QString::number(d);
    return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(" × ")));
}

QString roleText(TensorRole role)
{
    switch (role) {
    case TensorRole::Linear: return TensorTreeModel::tr("linear");
    case TensorRole::Conv: return TensorTreeModel::tr("conv");
    case TensorRole::Embedding: return TensorTreeModel::tr("embedding");
    case TensorRole::Norm: return TensorTreeModel::tr("norm");
    case TensorRole::Bias: return TensorTreeModel::tr("bias");
    case TensorRole::Other: break;
    }
    return TensorTreeModel::tr("other");
}

}  // namespace

TensorTreeModel::TensorTreeModel(ModelDocument* document, QObject* parent)
    : QAbstractItemModel(parent), m_document(document)
{
    rebuild();
    connect(document, &ModelDocument::checkpointChanged, this, [this] {
        beginResetModel();
        rebuild();
        endResetModel();
    });
    connect(document, &ModelDocument::summaryReady, this, &TensorTreeModel::tensorChanged);
    connect(document, &ModelDocument::quantMetricsChanged, this, [this] {
        for (std::size_t i = 0; i < m_nodeOfTensor.size(); ++i) tensorChanged(i);
    });
}

QString TensorTreeModel::blockOf(const QString& tensorName)
{
    // The shortest prefix that ends in a numeric component: "layers.3", "model.layers.3",
    // "blk.3", "encoder.layer.11", "features.0". Works across naming habits without a list.
    static const QRegularExpression re(QStringLiteral("^(.*?\\.\\d+)\\."));
    const auto m = re.match(tensorName);
    return m.hasMatch() ? m.captured(1) : QString();
}

void TensorTreeModel::rebuild()
{
    m_nodes.assign(1, Node{});
    m_nodeOfTensor.clear();
    const std::size_t n = m_document->tensorCount();
    m_nodeOfTensor.assign(n, -1);
    std::map<QString, int> blocks;
    auto addChild = [this](int parent, Node node) {
        node.parent = parent;
        node.row = int(m_nodes[std::size_t(parent)].children.size());
        m_nodes.push_back(std::move(node));
        const int id = int(m_nodes.size() - 1);
        m_nodes[std::size_t(parent)].children.push_back(id);
        return id;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const QString name = QString::fromStdString(m_document->tensor(i)->name);
        const QString block = blockOf(name);
        int parent = 0;
        if (!block.isEmpty()) {
            auto it = blocks.find(block);
            if (it == blocks.end()) it = blocks.emplace(block, addChild(0, Node{-1, 0, -1, block, {}})).first;
            parent = it->second;
        }
        m_nodeOfTensor[i] = addChild(parent, Node{-1, 0, int(i), name, {}});
    }
}

QModelIndex TensorTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0) return {};
    const int p = parent.isValid() ? int(parent.internalId()) : 0;
    if (parent.isValid() && parent.column() != 0) return {};
    const auto& children = m_nodes[std::size_t(p)].children;
    if (row >= int(children.size())) return {};
    return createIndex(row, column, quintptr(children[std::size_t(row)]));
}

QModelIndex TensorTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid()) return {};
    const int p = m_nodes[child.internalId()].parent;
    if (p <= 0) return {};
    return createIndex(m_nodes[std::size_t(p)].row, 0, quintptr(p));
}

int TensorTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid()) return int(m_nodes[0].children.size());
    if (parent.column() != 0) return 0;
    return int(m_nodes[parent.internalId()].children.size());
}

int TensorTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QModelIndex TensorTreeModel::indexOfTensor(std::size_t tensorIndex) const
{
    if (tensorIndex >= m_nodeOfTensor.size()) return {};
    const int id = m_nodeOfTensor[tensorIndex];
    return createIndex(m_nodes[std::size_t(id)].row, 0, quintptr(id));
}

void TensorTreeModel::tensorChanged(std::size_t tensorIndex)
{
    if (tensorIndex >= m_nodeOfTensor.size()) return;
    const int id = m_nodeOfTensor[tensorIndex];
    const Node& node = m_nodes[std::size_t(id)];
    Q_EMIT dataChanged(createIndex(node.row, Params, quintptr(id)), createIndex(node.row, Bpw, quintptr(id)));
    if (node.parent > 0) {
        const Node& block = m_nodes[std::size_t(node.parent)];
        Q_EMIT dataChanged(createIndex(block.row, Params, quintptr(node.parent)),
                           createIndex(block.row, Bpw, quintptr(node.parent)));
    }
}

QVariant TensorTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Node& node = m_nodes[index.internalId()];
    if (role == TensorIndexRole) return node.tensor;
    if (role == Qt::TextAlignmentRole && index.column() >= Params && index.column() != Role)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return node.tensor >= 0 ? tensorData(node, index.column(), role) : blockData(node, index.column(), role);
}

QVariant TensorTreeModel::tensorData(const Node& node, int column, int role) const
{
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole) return {};
    const bool sort = role == SortRole;
    const auto t = std::size_t(node.tensor);
    const TensorInfo& info = *m_document->tensor(t);
    const TensorSummary* summary = m_document->summary(t);
    const TensorQuantMetrics* q = m_document->quantMetrics(t);
    const QLocale locale;
    switch (column) {
    case Name: return node.label;
    case Shape: return sort ? QVariant(qlonglong(info.rows())) : QVariant(shapeText(info.shape));
    case DTypeCol: return QString::fromLatin1(dtypeName(info.dtype).data(), qsizetype(dtypeName(info.dtype).size()));
    case Params: return sort ? QVariant(qlonglong(info.numel())) : QVariant(locale.toString(qlonglong(info.numel())));
    case Role: return roleText(info.role);
    case OutlierPercent:
        if (!summary) return sort ? QVariant(-1.0) : QVariant();
        return sort ? QVariant(summary->outlierPercent()) : QVariant(locale.toString(summary->outlierPercent(), 'f', 3));
    case RelErr:
        if (!q) return sort ? QVariant(-1.0) : QVariant();
        return sort ? QVariant(q->metrics.relErr) : QVariant(locale.toString(q->metrics.relErr, 'g', 4));
    case Sqnr:
        if (!q) return sort ? QVariant(-1.0) : QVariant();
        return sort ? QVariant(q->metrics.sqnrDb) : QVariant(locale.toString(q->metrics.sqnrDb, 'f', 2));
    case Bpw:
        if (!q) return sort ? QVariant(-1.0) : QVariant();
        return sort ? QVariant(q->metrics.bpw) : QVariant(locale.toString(q->metrics.bpw, 'f', 3));
    default: return {};
    }
}

QVariant TensorTreeModel::blockData(const Node& node, int column, int role) const
{
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const bool sort = role == SortRole;
    qlonglong params = 0, elements = 0, outliers = 0;
    bool allSummarized = true;
    for (int child : node.children) {
        const auto t = std::size_t(m_nodes[std::size_t(child)].tensor);
        params += m_document->tensor(t)->numel();
        if (const TensorSummary* s = m_document->summary(t)) {
            elements += qlonglong(s->stats.count);
            outliers += s->outliers;
        } else {
            allSummarized = false;
        }
    }
    const QLocale locale;
    switch (column) {
    case Name: return node.label;
    case Shape: return sort ? QVariant(qlonglong(node.children.size())) : QVariant(tr("%n tensor(s)", nullptr, int(node.children.size())));
    case Params: return sort ? QVariant(params) : QVariant(locale.toString(params));
    case OutlierPercent: {
        const double pct = elements ? 100.0 * double(outliers) / double(elements) : 0.0;
        if (sort) return allSummarized ? pct : -1.0;
        return allSummarized ? QVariant(locale.toString(pct, 'f', 3)) : QVariant();
    }
    default: return sort ? QVariant(-1.0) : QVariant();
    }
}

QVariant TensorTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Name: return tr("Name");
    case Shape: return tr("Shape");
    case DTypeCol: return tr("Type");
    case Params: return tr("Params");
    case Role: return tr("Role");
    case OutlierPercent: return tr("Outliers %");
    case RelErr: return tr("rel_err");
    case Sqnr: return tr("SQNR dB");
    case Bpw: return tr("bpw");
    default: return {};
    }
}

TensorFilterModel::TensorFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setFilterKeyColumn(TensorTreeModel::Name);
    setSortRole(TensorTreeModel::SortRole);
}

bool TensorFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant l = left.data(TensorTreeModel::SortRole);
    const QVariant r = right.data(TensorTreeModel::SortRole);
    if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString) {
        // "layers.2" before "layers.10"
        static thread_local QCollator collator = [] {
            QCollator c;
            c.setNumericMode(true);
            return c;
        }();
        return collator.compare(l.toString(), r.toString()) < 0;
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

}  // namespace qs::gui
