#pragma once
// The checkpoint's tensors as a tree: blocks ("layers.3", "model.layers.3", "blk.3", ...) hold
// their tensors; tensors outside any block sit at the top level. The tree exists as soon as
// the catalog is read; statistics and quantization columns fill in as the document learns
// them.

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>

#include <optional>
#include <vector>

namespace qs::gui {

class ModelDocument;

class TensorTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { Name, Shape, DTypeCol, Params, Role, OutlierPercent, RelErr, Sqnr, Bpw, ColumnCount };
    enum Roles {
        SortRole = Qt::UserRole + 1,  ///< numbers for numeric columns, natural-order text otherwise
        TensorIndexRole,              ///< index into Checkpoint::tensors(), or -1 for a block
    };

    explicit TensorTreeModel(ModelDocument* document, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The (column 0) index of tensor `tensorIndex`, invalid if unknown.
    QModelIndex indexOfTensor(std::size_t tensorIndex) const;
    /// Block name of a tensor name ("layers.3" for "layers.3.attention.wq.weight"), or empty.
    static QString blockOf(const QString& tensorName);

private:
    struct Node {
        int parent = -1;           ///< node index, -1 for the root
        int row = 0;               ///< row inside the parent
        int tensor = -1;           ///< tensor index, -1 for the root and blocks
        QString label;
        std::vector<int> children;
    };
    void rebuild();
    void tensorChanged(std::size_t tensorIndex);
    QVariant tensorData(const Node& node, int column, int role) const;
    QVariant blockData(const Node& node, int column, int role) const;

    ModelDocument* m_document;
    std::vector<Node> m_nodes;           ///< m_nodes[0] is the root
    std::vector<int> m_nodeOfTensor;
};

/// Sorting (natural order for names, numbers for numbers) and filtering by name that keeps
/// blocks whose tensors match.
class TensorFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TensorFilterModel(QObject* parent = nullptr);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

}  // namespace qs::gui
