package roster

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a record or a file, in a form the caller
// renders with its own message catalog.
type Problem struct {
	// Row is the row of the spreadsheet (1 for the first), or 0 for a
	// problem of the whole file or of a record not read from a file.
	Row int
	// Column is the header of the column as the file wrote it, or "" when
	// the file has no such column.
	Column string
	// Field is the record field concerned, such as "id_number"; see
	// [Fields]. It is "" for a problem of the whole file.
	Field string
	// Code is the message key, one of [Codes], such as "roster.id.check".
	Code string
	// Params are the values the message names, such as "value" (the cell
	// as the clerk wrote it) or "max". They may hold the clerk's own data,
	// for showing back to the clerk who uploaded it; do not log them.
	Params map[string]any
}

// The message keys of problems with a record.
const (
	CodeRequired           = "roster.required"
	CodeNameTooLong        = "roster.name.too_long"
	CodeNameChars          = "roster.name.chars"
	CodeIDLength           = "roster.id.length"
	CodeIDChars            = "roster.id.chars"
	CodeIDBirthDate        = "roster.id.birth_date"
	CodeIDCheck            = "roster.id.check"
	CodeIDAsNumber         = "roster.id.as_number"
	CodeIDDuplicate        = "roster.id.duplicate"
	CodeSexMismatch        = "roster.sex.mismatch"
	CodeBirthMismatch      = "roster.birth.mismatch"
	CodeUnknownCode        = "roster.code.unknown"
	CodeDateInvalid        = "roster.date.invalid"
	CodeDateIncomplete     = "roster.date.incomplete"
	CodeDateAmbiguousOrder = "roster.date.ambiguous.order"
	CodeDateAmbiguousYear  = "roster.date.ambiguous.year"
	CodeDateAmbiguousMonth = "roster.date.ambiguous.month"
	CodeDateFuture         = "roster.date.future"
	CodeDateBeforeBirth    = "roster.date.before_birth"
	CodeWorkTooYoung       = "roster.work.too_young"
	CodeTitleUnknownSeries = "roster.title.unknown_series"
	CodeTitleSeries        = "roster.title.series"
	CodeTitleUnknown       = "roster.title.unknown"
	CodeTitleGrade         = "roster.title.grade"
	CodePostLevel          = "roster.post.level"
	CodePostCategory       = "roster.post.category"
	CodeStatusDate         = "roster.status.date"
	CodeMobile             = "roster.mobile.invalid"
	CodeTextTooLong        = "roster.text.too_long"
	CodeFlag               = "roster.flag.invalid"
	CodeFormulaNoValue     = "roster.cell.formula"
	CodeCellError          = "roster.cell.error"
)

// The message keys of problems with a whole file; see [FileError].
const (
	CodeFileTooLarge       = "roster.file.too_large"
	CodeFileUnzipLimit     = "roster.file.unzip_limit"
	CodeFileLegacy         = "roster.file.legacy"
	CodeFileMismatch       = "roster.file.mismatch"
	CodeFileType           = "roster.file.type"
	CodeFileCorrupt        = "roster.file.corrupt"
	CodeFileNoHeader       = "roster.file.no_header"
	CodeFileMissingColumns = "roster.file.missing_columns"
	CodeFileTooManyRows    = "roster.file.too_many_rows"
	CodeFileEmpty          = "roster.file.empty"
)

// defaultTexts holds the plain Chinese text of every message key, with
// {name} standing for a parameter. It is the one list of keys: [Codes]
// returns its keys.
var defaultTexts = map[string]string{
	CodeRequired:           "不能为空",
	CodeNameTooLong:        "最多{max}个字，现有{length}个字",
	CodeNameChars:          "“{value}”含有姓名中不能使用的字符“{char}”",
	CodeIDLength:           "应为18位（旧的15位号码也可以），现有{length}位",
	CodeIDChars:            "“{value}”只能由数字组成，最后一位可以是X",
	CodeIDBirthDate:        "“{value}”的第7至14位不是有效的出生日期",
	CodeIDCheck:            "“{value}”的校验码错误，请核对号码",
	CodeIDAsNumber:         "号码被表格存成了数字（显示为“{value}”），后几位已经丢失。请把该列设置为“文本”格式后重新填写号码",
	CodeIDDuplicate:        "与第{row}行的身份证号重复",
	CodeSexMismatch:        "填写的“{value}”与身份证号对应的“{want}”不一致",
	CodeBirthMismatch:      "填写的{value}与身份证号中的出生日期{want}不一致",
	CodeUnknownCode:        "“{value}”不在可选范围内，请从下拉列表中选择",
	CodeDateInvalid:        "“{value}”不是可识别的日期，可写作1985-03-02、1985.03或1985年3月2日",
	CodeDateIncomplete:     "“{value}”不完整，至少写到月份，如1985.03",
	CodeDateAmbiguousOrder: "“{value}”分不清哪个是月、哪个是日，请写作1985-03-02这样年在前的形式",
	CodeDateAmbiguousYear:  "“{value}”的年份只有两位，请写出四位年份，如1985.03",
	CodeDateAmbiguousMonth: "“{value}”是数字单元格，分不清是1月还是10月（表格会把1985.10存成1985.1）。请把该列设置为“文本”格式，写作1985.01或1985.10",
	CodeDateFuture:         "{value}晚于今天",
	CodeDateBeforeBirth:    "{value}早于出生日期",
	CodeWorkTooYoung:       "参加工作时未满16周岁",
	CodeTitleUnknownSeries: "没有名为“{value}”的职称系列",
	CodeTitleSeries:        "“{title}”不属于“{series}”系列",
	CodeTitleUnknown:       "“{value}”不是职称目录中的职称名称",
	CodeTitleGrade:         "“{title}”属于{want}，与填写的“{value}”不一致",
	CodePostLevel:          "“{value}”不是有效的岗位等级",
	CodePostCategory:       "岗位等级“{value}”与岗位类别“{category}”不一致",
	CodeStatusDate:         "人员状态为“{value}”时须填写状态变动时间",
	CodeMobile:             "“{value}”不是11位手机号码",
	CodeTextTooLong:        "最多{max}个字，现有{length}个字",
	CodeFlag:               "“{value}”应为“是”或“否”",
	CodeFormulaNoValue:     "公式没有保存计算结果。请在Excel或WPS中打开文件、保存后重新上传，或把公式改为数值",
	CodeCellError:          "单元格是错误值“{value}”",

	CodeFileTooLarge:       "文件超过{max}MB，请拆分后分批上传",
	CodeFileUnzipLimit:     "文件解压后超过{max}MB，可能带有大片空白格式。请只把有数据的区域复制到新表格，保存后上传",
	CodeFileLegacy:         "这是旧版Excel（.xls）文件或加了密码的文件。请在Excel或WPS中打开，选择“文件—另存为”，保存类型选“Excel工作簿（*.xlsx）”，不设密码，然后上传新文件",
	CodeFileMismatch:       "文件内容与扩展名不符（名为{ext}，实际是{actual}）。请在Excel或WPS中打开原表格，另存为“Excel工作簿（*.xlsx）”后上传",
	CodeFileType:           "只能上传.xlsx或.csv文件。请在Excel或WPS中另存为“Excel工作簿（*.xlsx）”后上传",
	CodeFileCorrupt:        "文件已损坏或不是有效的.xlsx文件。请在Excel或WPS中打开，另存为“Excel工作簿（*.xlsx）”后上传",
	CodeFileNoHeader:       "没有找到表头。表头应有“姓名”“身份证号”等列名，建议使用下载的模板",
	CodeFileMissingColumns: "缺少必填的列：{columns}",
	CodeFileTooManyRows:    "超过{max}行，请拆分后分批上传",
	CodeFileEmpty:          "表头下面没有人员数据",
}

// Codes returns every message key a [Problem] or [FileError] may carry,
// sorted, so that a test elsewhere can check that a message catalog covers
// them.
func Codes() []string {
	return slices.Sorted(maps.Keys(defaultTexts))
}

// DefaultText returns p in plain Chinese, such as "第5行 身份证号：校验码错误":
// the row if there is one, the column (or, when the file has none, the
// field's header in the template) and the message with its parameters.
func DefaultText(p Problem) string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "第%d行 ", p.Row)
	}
	if col := p.Column; col != "" || p.Field != "" {
		if col == "" {
			col = headerOf(p.Field)
		}
		b.WriteString(col + "：")
	}
	text, ok := defaultTexts[p.Code]
	if !ok {
		text = p.Code
	}
	b.WriteString(expand(text, p.Params))
	return b.String()
}

// expand replaces each {name} in text by the parameter of that name.
func expand(text string, params map[string]any) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		j := strings.IndexByte(text[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(text)
			return b.String()
		}
		name := text[i+1 : i+j]
		b.WriteString(text[:i])
		b.WriteString(paramText(params[name]))
		text = text[i+j+1:]
	}
}

// paramText formats a parameter: dates as Chinese dates, lists joined with
// the Chinese enumeration comma.
func paramText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case []string:
		return strings.Join(v, "、")
	}
	return fmt.Sprint(v)
}
