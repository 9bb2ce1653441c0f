#pragma once
// The numbers of one tensor, as the CLI's `inspect` prints them.

#include <QWidget>

class QFormLayout;
class QLabel;

namespace qs {
struct TensorInfo;
}

namespace qs::gui {

struct TensorSummary;

class StatsPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatsPanel(QWidget* parent = nullptr);
    void showTensor(const TensorInfo& info, const TensorSummary* summary, double sigma);
    void clear();
    /// The value shown for a row, by its object name ("stat_mean", ...) (tests).
    QString value(const QString& key) const;

private:
    QLabel* row(const char* key, const QString& label);
    QFormLayout* m_form;
};

}  // namespace qs::gui
