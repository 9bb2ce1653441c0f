#pragma once
// The model tree with its filter box: what the left dock holds.

#include <QWidget>

#include <optional>

class QLineEdit;
class QMenu;
class QTreeView;

namespace qs::gui {

class ModelDocument;
class TensorFilterModel;
class TensorTreeModel;

class TensorBrowser : public QWidget {
    Q_OBJECT
public:
    explicit TensorBrowser(ModelDocument* document, QWidget* parent = nullptr);

    TensorTreeModel* model() const noexcept { return m_model; }
    TensorFilterModel* proxy() const noexcept { return m_proxy; }
    QTreeView* view() const noexcept { return m_view; }
    QLineEdit* filterEdit() const noexcept { return m_filter; }
    /// Selects tensor `index` (expands its block, scrolls to it).
    void selectTensor(std::size_t index);
    std::optional<std::size_t> selectedTensor() const;
    void retranslate();
    /// The header's context menu: one checkable entry per column but the name (caller shows it;
    /// it deletes itself when closed).
    QMenu* columnMenu();

Q_SIGNALS:
    void tensorSelected(std::size_t index);

private:
    ModelDocument* m_document;
    TensorTreeModel* m_model;
    TensorFilterModel* m_proxy;
    QLineEdit* m_filter;
    QTreeView* m_view;
    int m_lastSelected = -1;
};

}  // namespace qs::gui
