#pragma once
// Warnings and errors that do not stop the user's action (CONVENTIONS.md #11): a list with a
// time, a level icon and the message. Also receives Qt's own qWarning() output.

#include <QWidget>

class QListWidget;

namespace qs::gui {

class LogPane : public QWidget {
    Q_OBJECT
public:
    enum class Level { Info, Warning, Error };
    explicit LogPane(QWidget* parent = nullptr);
    ~LogPane() override;

    void append(Level level, const QString& message);
    void info(const QString& message) { append(Level::Info, message); }
    void warning(const QString& message) { append(Level::Warning, message); }
    void error(const QString& message) { append(Level::Error, message); }
    int count() const;
    QString text(int row) const;

    /// Routes qWarning/qCritical into this pane (until it is destroyed).
    void captureQtMessages();

Q_SIGNALS:
    void errorLogged(const QString& message);

private:
    QListWidget* m_list;
};

}  // namespace qs::gui
