<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../desktop/ui/app.py" line="107"/>
        <source>Offdesk cannot start</source>
        <translation>Offdesk 无法启动</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../desktop/ui/views/banner.py" line="28"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>BulkEditDialog</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="25"/>
        <source>Edit %n ticket(s)</source>
        <translation>
            <numerusform>编辑 %n 个工单</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="27"/>
        <source>(no change)</source>
        <translation>（不变）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="30"/>
        <source>Set assignee</source>
        <translation>设置处理人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="32"/>
        <source>empty: unassign</source>
        <translation>留空：取消分配</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="38"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="40"/>
        <source>Add tags</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="41"/>
        <source>Remove tags</source>
        <translation>移除标签</translation>
    </message>
</context>
<context>
    <name>ConflictsPanel</name>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="46"/>
        <source>No conflicts: every field has one value.</source>
        <translation>没有冲突：每个字段只有一个值。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="53"/>
        <source>These fields were changed on two devices at once. Keep the value shown, or use another one; your choice syncs to everyone.</source>
        <translation>这些字段在两台设备上被同时修改。保留当前显示的值，或改用另一个；你的选择会同步给所有人。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="70"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="71"/>
        <source>Author</source>
        <translation>作者</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="72"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="73"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="81"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="87"/>
        <source>Shown now</source>
        <translation>当前显示</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="99"/>
        <source>this device</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="107"/>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/conflicts_panel.py" line="110"/>
        <source>Use this</source>
        <translation>用这个</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/crash.py" line="22"/>
        <source>Offdesk hit a bug</source>
        <translation>Offdesk 遇到了程序错误</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/crash.py" line="25"/>
        <source>Something went wrong inside Offdesk. Your tickets are safe: every saved change is in the store. Please send the text below to whoever looks after Offdesk.</source>
        <translation>Offdesk 内部出错了。你的工单是安全的：每个已保存的更改都在存储中。请把下面的文字发给负责维护 Offdesk 的人。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/crash.py" line="34"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>DeskService</name>
    <message>
        <location filename="../../desktop/ui/service.py" line="159"/>
        <source>%1 of %2 tickets were not edited: %3</source>
        <extracomment>Rows per transaction when importing with progress; cancel acts between them. How the sample OSM notes map onto ticket fields.</extracomment>
        <translation>%2 个工单中有 %1 个未修改：%3</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/service.py" line="188"/>
        <source>Dropped.</source>
        <translation>已丢弃。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/service.py" line="202"/>
        <source>Sync is not available in this build.</source>
        <translation>此版本不支持同步。</translation>
    </message>
</context>
<context>
    <name>DiffText</name>
    <message>
        <location filename="../../desktop/ui/diff_text.py" line="36"/>
        <source>tag %1</source>
        <translation>标签 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/diff_text.py" line="44"/>
        <source>(ticket)</source>
        <translation>（工单）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/diff_text.py" line="56"/>
        <source>reply by %1</source>
        <translation>%1 的回复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/diff_text.py" line="58"/>
        <source>internal note by %1</source>
        <translation>%1 的内部备注</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/diff_text.py" line="63"/>
        <source>comment %1 deleted</source>
        <translation>评论 %1 已删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/diff_text.py" line="65"/>
        <source>comment %1</source>
        <translation>评论 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/diff_text.py" line="73"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="25"/>
        <source>Welcome to Offdesk</source>
        <translation>欢迎使用 Offdesk</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="28"/>
        <source>Offdesk keeps every ticket on this computer, so you can work with no connection. Who are you? Your name goes on every change you make.</source>
        <translation>Offdesk 把所有工单保存在这台电脑上，没有网络也能工作。你是谁？你的名字会记录在你做的每个更改上。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="34"/>
        <source>Ann Agent &lt;ann@example.com&gt;</source>
        <translation>王芳 &lt;wangfang@example.com&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="38"/>
        <source>Load a few hundred sample tickets (real OpenStreetMap notes)</source>
        <translation>载入几百个示例工单（真实的 OpenStreetMap 注记）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="43"/>
        <source>Sample notes © OpenStreetMap contributors, ODbL 1.0.</source>
        <translation>示例注记 © OpenStreetMap 贡献者，ODbL 1.0。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="48"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/first_run.py" line="63"/>
        <source>Write your name and e-mail as &quot;Name &lt;email&gt;&quot;.</source>
        <translation>请按“姓名 &lt;邮箱&gt;”的格式填写姓名和邮箱。</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="35"/>
        <source>Graph</source>
        <translation>图</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="36"/>
        <source>Change</source>
        <translation>更改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="37"/>
        <source>Author</source>
        <translation>作者</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="38"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="39"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="85"/>
        <source>Snapshot %1</source>
        <translation>快照 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="91"/>
        <source>(merge)</source>
        <translation>（合并）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="96"/>
        <source>this device</source>
        <translation>本机</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/models/history.py" line="104"/>
        <source>merged %n branch(es)</source>
        <translation>
            <numerusform>合并了 %n 个分支</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="106"/>
        <source>created</source>
        <translation>已创建</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="113"/>
        <source>+tag %1</source>
        <translation>+标签 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="115"/>
        <source>-tag %1</source>
        <translation>-标签 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="117"/>
        <source>reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="119"/>
        <source>internal note</source>
        <translation>内部备注</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="121"/>
        <source>edited comment %1</source>
        <translation>编辑了评论 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/history.py" line="123"/>
        <source>cleared %1</source>
        <translation>清空了 %1</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../../desktop/ui/views/history_panel.py" line="57"/>
        <source>Select one change to see it, or two to compare them.</source>
        <translation>选择一个更改查看内容，或选择两个进行比较。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/history_panel.py" line="65"/>
        <source>Revert this change</source>
        <translation>撤销此更改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/history_panel.py" line="123"/>
        <source>No changes.</source>
        <translation>没有变化。</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="37"/>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="87"/>
        <source>Import tickets</source>
        <extracomment>Skipped rows listed by line in the dialog; the rest are counted.</extracomment>
        <translation>导入工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="39"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="43"/>
        <source>JSON lines</source>
        <translation>JSON Lines</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="46"/>
        <source>Automatic (UTF-8 or UTF-16)</source>
        <translation>自动（UTF-8 或 UTF-16）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="47"/>
        <source>Windows, Western European (cp1252)</source>
        <translation>Windows 西欧语言（cp1252）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="48"/>
        <source>Windows, Central European (cp1250)</source>
        <translation>Windows 中欧语言（cp1250）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="49"/>
        <source>Windows, Cyrillic (cp1251)</source>
        <translation>Windows 西里尔文（cp1251）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="50"/>
        <source>Latin-1 (ISO 8859-1)</source>
        <translation>Latin-1（ISO 8859-1）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="51"/>
        <source>Chinese (GB 18030)</source>
        <translation>简体中文（GB 18030）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="52"/>
        <source>Japanese (Shift JIS)</source>
        <translation>日文（Shift JIS）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="57"/>
        <source>One COLUMN=FIELD per line, e.g. opening_comment=description</source>
        <translation>每行一个 列=字段，例如 opening_comment=description</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="64"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="73"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="74"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="75"/>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="76"/>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="87"/>
        <source>Tickets (*.csv *.jsonl)</source>
        <translation>工单 (*.csv *.jsonl)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="112"/>
        <source>Stopping after the current batch…</source>
        <translation>当前批次完成后停止…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="127"/>
        <source>Nothing was imported: %1</source>
        <translation>未导入任何内容：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="130"/>
        <source>Imported %n ticket(s).</source>
        <translation>
            <numerusform>已导入 %n 个工单。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="132"/>
        <source>%n row(s) skipped:</source>
        <translation>
            <numerusform>已跳过 %n 行：</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="137"/>
        <source>…and %n more.</source>
        <translation>
            <numerusform>……另有 %n 行。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="140"/>
        <source>%n row(s) held in Quarantine by the pipeline.</source>
        <translation>
            <numerusform>%n 行被处理流程留在隔离区。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="145"/>
        <source>Cancelled; the tickets above were kept.</source>
        <translation>已取消；上面导入的工单已保留。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="125"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../desktop/ui/labels.py" line="19"/>
        <source>new</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="20"/>
        <source>open</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="21"/>
        <source>pending</source>
        <translation>等待回复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="22"/>
        <source>on hold</source>
        <translation>挂起</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="23"/>
        <source>solved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="24"/>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="31"/>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="32"/>
        <source>normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="33"/>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="34"/>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="43"/>
        <source>normalize (tidy text and e-mail)</source>
        <translation>规范化（整理文本和邮箱）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="44"/>
        <source>validate (team rules)</source>
        <translation>校验（团队规则）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="45"/>
        <source>duplicates (tag likely repeats)</source>
        <translation>查重（标记可能重复的工单）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="46"/>
        <source>routing (group, assignee, priority)</source>
        <translation>分派（组、处理人、优先级）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="47"/>
        <source>SLA (due times)</source>
        <translation>SLA（到期时间）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="48"/>
        <source>triggers (actions on changes)</source>
        <translation>触发器（变更时的动作）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="57"/>
        <source>question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="58"/>
        <source>incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="59"/>
        <source>problem</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="60"/>
        <source>task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="98"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="99"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="100"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="101"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="102"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="103"/>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="104"/>
        <source>Group</source>
        <translation>组</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="105"/>
        <source>Due</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="106"/>
        <source>Deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="107"/>
        <source>Requester</source>
        <translation>请求人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="108"/>
        <source>Requester e-mail</source>
        <translation>请求人邮箱</translation>
    </message>
</context>
<context>
    <name>LogDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/log_view.py" line="20"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
</context>
<context>
    <name>MainActions</name>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="44"/>
        <source>&amp;New ticket…</source>
        <translation>新建工单(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="51"/>
        <source>&amp;Import tickets…</source>
        <translation>导入工单(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="55"/>
        <source>Apply a &amp;bundle…</source>
        <translation>应用数据包(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="59"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="63"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="66"/>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="72"/>
        <source>&amp;Edit selected tickets…</source>
        <translation>编辑所选工单(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="77"/>
        <source>Save this &amp;search…</source>
        <translation>保存此搜索(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="81"/>
        <location filename="../../desktop/ui/main_actions.py" line="139"/>
        <source>Next ticket</source>
        <translation>下一个工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="87"/>
        <location filename="../../desktop/ui/main_actions.py" line="140"/>
        <source>Previous ticket</source>
        <translation>上一个工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="92"/>
        <source>S&amp;ync now</source>
        <translation>立即同步(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="98"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="101"/>
        <source>Show &amp;log</source>
        <translation>显示日志(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="102"/>
        <source>&amp;About Offdesk</source>
        <translation>关于 Offdesk(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="107"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="110"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="111"/>
        <source>&amp;Ticket</source>
        <translation>工单(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="112"/>
        <source>&amp;Sync</source>
        <translation>同步(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="113"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="121"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="125"/>
        <location filename="../../desktop/ui/main_actions.py" line="137"/>
        <source>New ticket</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="138"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="141"/>
        <source>Send the reply or note</source>
        <translation>发送回复或备注</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="142"/>
        <source>Edit selected tickets</source>
        <translation>编辑所选工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="126"/>
        <location filename="../../desktop/ui/main_actions.py" line="143"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="144"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="145"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="185"/>
        <source>About Offdesk</source>
        <translation>关于 Offdesk</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_actions.py" line="186"/>
        <source>Offdesk: an offline-first helpdesk. Tickets live on this computer and merge like git when the network returns.</source>
        <translation>Offdesk：离线优先的客服工单系统。工单保存在这台电脑上，联网后像 git 一样合并。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="152"/>
        <source>Search (Ctrl+F): words, status:open, tag:vpn, assignee:me…</source>
        <extracomment>Retries after a sync found no network: first after this, then doubling. Typing pauses this long before the list follows the search box. The list&apos;s count follows once the list has stayed put this long: counting a search&apos;s hits can take longer than a keystroke, and while typing it would compete with the next keystroke&apos;s query for the disk and the CPU. Queue counts change only when tickets do, not when the list does. After a sync found no network: try again soon, then less often.</extracomment>
        <translation>搜索 (Ctrl+F)：关键词、status:open、tag:vpn、assignee:me…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="170"/>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="171"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="172"/>
        <location filename="../../desktop/ui/main_window.py" line="320"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="261"/>
        <source>Not understood: %1</source>
        <translation>无法识别：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/main_window.py" line="317"/>
        <source>Conflicts (%n)</source>
        <translation>
            <numerusform>冲突 (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/main_window.py" line="367"/>
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n 个工单</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="443"/>
        <source>Apply a bundle</source>
        <translation>应用数据包</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="443"/>
        <source>Bundles (*.bundle);;All (*)</source>
        <translation>数据包 (*.bundle);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="482"/>
        <source>Type a search first, then save it.</source>
        <translation>请先输入搜索条件，再保存。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="484"/>
        <source>Save search</source>
        <translation>保存搜索</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="484"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="496"/>
        <source>Remove saved search</source>
        <translation>删除已保存的搜索</translation>
    </message>
</context>
<context>
    <name>NewTicketDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="26"/>
        <source>New ticket</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="29"/>
        <source>Name &lt;email&gt; or an e-mail address</source>
        <translation>姓名 &lt;邮箱&gt; 或邮箱地址</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="40"/>
        <source>tags, separated by spaces</source>
        <translation>标签，用空格分隔</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="42"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="43"/>
        <source>Requester</source>
        <translation>请求人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="44"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="45"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="46"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="47"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/new_ticket.py" line="51"/>
        <source>Create</source>
        <translation>创建</translation>
    </message>
</context>
<context>
    <name>QuarantineDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/quarantine.py" line="41"/>
        <source>Quarantine</source>
        <translation>隔离区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/quarantine.py" line="57"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/quarantine.py" line="60"/>
        <source>Drop…</source>
        <translation>丢弃…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/quarantine.py" line="69"/>
        <source>Changes a pipeline stage held back. Fix the rule or the data, then retry; or drop a change you do not want.</source>
        <translation>被流水线某个阶段拦下的更改。修正规则或数据后重试；不需要的更改可以丢弃。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/quarantine.py" line="105"/>
        <source>Drop</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/quarantine.py" line="105"/>
        <source>Why drop this change? (recorded)</source>
        <translation>为什么丢弃这个更改？（会被记录）</translation>
    </message>
</context>
<context>
    <name>QuarantineModel</name>
    <message>
        <location filename="../../desktop/ui/models/quarantine.py" line="28"/>
        <source>Held since</source>
        <translation>隔离时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/quarantine.py" line="29"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/quarantine.py" line="30"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/quarantine.py" line="31"/>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/quarantine.py" line="32"/>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="83"/>
        <source>My open</source>
        <extracomment>Shown only when the pipeline exists; opens the quarantine, not a list.</extracomment>
        <translation>我的待办</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="88"/>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="91"/>
        <source>All open</source>
        <translation>全部待办</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="94"/>
        <source>Pending</source>
        <translation>等待回复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="99"/>
        <source>Solved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="102"/>
        <source>All tickets</source>
        <translation>全部工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="105"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/queues.py" line="110"/>
        <source>Quarantine</source>
        <translation>隔离区</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/models/queues.py" line="168"/>
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n 个工单</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="57"/>
        <source>Settings</source>
        <extracomment>(stage name, enabled), in pipeline order; empty when there is no pipeline.</extracomment>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="63"/>
        <source>unchanged</source>
        <translation>不变</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="66"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="67"/>
        <source>manual only</source>
        <translation>仅手动</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="70"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="73"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="75"/>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="76"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="79"/>
        <source>A new language applies after a restart.</source>
        <translation>新语言在重启后生效。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="82"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="84"/>
        <source>Server URL</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="85"/>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="86"/>
        <source>Sync every</source>
        <translation>同步间隔</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="91"/>
        <source>Sync is not available in this build.</source>
        <translation>此版本不支持同步。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="100"/>
        <source>Pipeline stages</source>
        <translation>流水线阶段</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="111"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="112"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/shortcuts.py" line="24"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/shortcuts.py" line="26"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/shortcuts.py" line="26"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <location filename="../../desktop/ui/views/sync_indicator.py" line="30"/>
        <source>Local only (no server set)</source>
        <translation>仅本地（未设置服务器）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sync_indicator.py" line="32"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sync_indicator.py" line="34"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sync_indicator.py" line="36"/>
        <source>Sync failed</source>
        <translation>同步失败</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sync_indicator.py" line="38"/>
        <source>Never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sync_indicator.py" line="42"/>
        <source>Synced just now</source>
        <translation>刚刚已同步</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/sync_indicator.py" line="44"/>
        <source>Synced %n minute(s) ago</source>
        <translation>
            <numerusform>%n 分钟前已同步</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/sync_indicator.py" line="46"/>
        <source>%n local change(s) waiting</source>
        <translation>
            <numerusform>%n 个本地更改待同步</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/sync_indicator.py" line="49"/>
        <source>⚠ clock off by %n second(s)</source>
        <translation>
            <numerusform>⚠ 时钟偏差 %n 秒</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TicketListModel</name>
    <message>
        <location filename="../../desktop/ui/models/ticket_list.py" line="103"/>
        <source>Ref</source>
        <extracomment>(attribute of ListRow, sort name or None when the column does not sort) Readable on light and dark backgrounds alike. The page after the last placed row, read ahead; None until it arrives. fetchMore came before the page did: place it on arrival.</extracomment>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/ticket_list.py" line="104"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/ticket_list.py" line="105"/>
        <source>Requester</source>
        <translation>请求人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/ticket_list.py" line="106"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/ticket_list.py" line="107"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/ticket_list.py" line="108"/>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models/ticket_list.py" line="109"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/models/ticket_list.py" line="306"/>
        <source>%n conflicting field(s)</source>
        <translation>
            <numerusform>%n 个字段有冲突</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="113"/>
        <source>Subject</source>
        <extracomment>Fields shown as line edits, in form order: (document field, set_field name). Tickets whose reply is on its way to the store: not sent twice.</extracomment>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="129"/>
        <source>YYYY-MM-DD HH:MM (UTC)</source>
        <translation>YYYY-MM-DD HH:MM（UTC）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="131"/>
        <source>tags, separated by spaces</source>
        <translation>标签，用空格分隔</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="138"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="139"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="140"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="145"/>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="146"/>
        <source>Group</source>
        <translation>组</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="147"/>
        <source>Due</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="148"/>
        <source>Requester</source>
        <translation>请求人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="149"/>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="150"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="158"/>
        <source>Write a reply… (Ctrl+Enter sends)</source>
        <translation>写回复…（Ctrl+Enter 发送）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="160"/>
        <source>Internal note</source>
        <translation>内部备注</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="161"/>
        <source>Only agents see internal notes</source>
        <translation>只有客服能看到内部备注</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="163"/>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="449"/>
        <source>Send reply</source>
        <translation>发送回复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="284"/>
        <source>No ticket selected</source>
        <translation>未选择工单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="242"/>
        <source>Number assigned by the server</source>
        <extracomment>Set when the agent moves the splitter; cleared when the rows change.</extracomment>
        <translation>服务器分配的编号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="245"/>
        <source>%1 (provisional)</source>
        <translation>%1（临时编号）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="248"/>
        <source>The server assigns a number on the first sync</source>
        <translation>首次同步时由服务器分配编号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="346"/>
        <source>Options, separated by commas</source>
        <translation>多个选项用逗号分隔</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/ticket_panel.py" line="359"/>
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n 个冲突</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="363"/>
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="366"/>
        <source>SLA breached</source>
        <translation>已超出 SLA</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="369"/>
        <source>SLA due %1</source>
        <translation>SLA 截止 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="371"/>
        <source>clock ahead</source>
        <translation>时钟超前</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="382"/>
        <source>Request from %1</source>
        <translation>%1 的请求</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="395"/>
        <source>Reply by %1</source>
        <translation>%1 的回复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="398"/>
        <source>Internal note by %1</source>
        <translation>%1 的内部备注</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="403"/>
        <source>No messages yet.</source>
        <translation>还没有消息。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/ticket_panel.py" line="449"/>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
</context>
<context>
    <name>TicketTable</name>
    <message>
        <location filename="../../desktop/ui/views/ticket_table.py" line="122"/>
        <source>No tickets match</source>
        <extracomment>Subject stays at least this many letters wide. Columns whose values are short codes: they keep room for what they show, where names (requester, assignee) may narrow, but to a first name&apos;s width at least (a title such as 请求人 is narrower than any name). The arrow last put on a column the store can sort by.</extracomment>
        <translation>没有匹配的工单</translation>
    </message>
</context>
</TS>
