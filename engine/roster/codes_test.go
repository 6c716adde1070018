package roster

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

func TestCodeListsMatchTheStandards(t *testing.T) {
	t.Run("sex", func(t *testing.T) {
		want := map[domain.Sex]string{"1": "男", "2": "女", "0": "未知的性别", "9": "未说明的性别"}
		for code, name := range want {
			if got := Sexes.Name(code); got != name {
				t.Errorf("sex %s: got %q, want %q", code, got, name)
			}
		}
		var values []string
		for _, c := range Sexes.Codes() {
			values = append(values, string(c.Code))
		}
		if !sameSet(values, domain.Sex("").Values()) {
			t.Errorf("sex codes %v, want those of domain.Sex %v", values, domain.Sex("").Values())
		}
	})
	t.Run("ethnicity", func(t *testing.T) {
		codes := Ethnicities.Codes()
		if len(codes) != 58 {
			t.Fatalf("got %d ethnic groups, want 56 and codes 97, 98", len(codes))
		}
		for i, c := range codes[:56] {
			if want := pad2(i + 1); string(c.Code) != want || !strings.HasSuffix(c.Name, "族") {
				t.Errorf("entry %d: %s %s, want code %s and a name ending in 族", i, c.Code, c.Name, want)
			}
		}
		for code, name := range map[Ethnicity]string{
			"01": "汉族", "06": "苗族", "15": "土家族", "29": "柯尔克孜族", "56": "基诺族",
			"97": "其他", "98": "外国血统中国籍人士",
		} {
			if got := Ethnicities.Name(code); got != name {
				t.Errorf("ethnicity %s: got %q, want %q", code, got, name)
			}
		}
	})
	t.Run("political", func(t *testing.T) {
		want := []string{"中共党员", "中共预备党员", "共青团员", "民革会员", "民盟盟员", "民建会员",
			"民进会员", "农工党党员", "致公党党员", "九三学社社员", "台盟盟员", "无党派人士", "群众"}
		for i, name := range want {
			if got := PoliticalStatuses.Name(Political(pad2(i + 1))); got != name {
				t.Errorf("political %s: got %q, want %q", pad2(i+1), got, name)
			}
		}
	})
	t.Run("education", func(t *testing.T) {
		for code, name := range map[Education]string{
			"11": "博士研究生毕业", "14": "硕士研究生毕业", "21": "大学本科毕业", "31": "大学专科毕业",
			"41": "中等专科毕业", "44": "职业高中毕业", "47": "技工学校毕业", "61": "普通高中毕业",
			"71": "初中毕业", "12": "博士研究生结业", "23": "大学本科肄业", "73": "初中肄业",
		} {
			if got := Educations.Name(code); got != name {
				t.Errorf("education %s: got %q, want %q", code, got, name)
			}
		}
	})
	t.Run("degree", func(t *testing.T) {
		for code, name := range map[Degree]string{"2": "博士", "3": "硕士", "4": "学士", "9": "无"} {
			if got := Degrees.Name(code); got != name {
				t.Errorf("degree %s: got %q, want %q", code, got, name)
			}
		}
	})
}

func TestCodeListsUseTheDomainIdentifiers(t *testing.T) {
	check := func(name string, got []string, want []string) {
		t.Helper()
		if !sameSet(got, want) {
			t.Errorf("%s: codes %v, want %v", name, got, want)
		}
	}
	check("post category", codesOf(PostCategories), domain.PostCategory("").Values())
	check("status", codesOf(Statuses), domain.PersonStatus("").Values())
	check("grade", codesOf(Grades), domain.Grade("").Values())
	check("title method", codesOf(TitleMethods),
		[]string{string(MethodEvaluation), string(MethodRecognition), string(MethodExamination)})

	var cats []string
	for k, spec := range codes.PostLevels.Categories {
		cats = append(cats, k)
		if spec.Max < 1 || len(spec.Prefixes) == 0 {
			t.Errorf("post level %s: needs a max and a prefix", k)
		}
	}
	check("post level categories", cats, domain.PostCategory("").Values())
}

func TestCodeListLookups(t *testing.T) {
	tests := []struct {
		in   string
		list interface{ parse(string) (string, bool) }
		want string
	}{
		{"汉族", listOf(Ethnicities), "01"},
		{"汉", listOf(Ethnicities), "01"},
		{" 土家族　", listOf(Ethnicities), "15"},
		{"15", listOf(Ethnicities), "15"},
		{"6", listOf(Ethnicities), "06"},
		{"男", listOf(Sexes), "1"},
		{"女性", listOf(Sexes), "2"},
		{"2", listOf(Sexes), "2"},
		{"大学本科", listOf(Educations), "21"},
		{"大专", listOf(Educations), "31"},
		{"中专", listOf(Educations), "41"},
		{"硕士研究生", listOf(Educations), "14"},
		{"党员", listOf(PoliticalStatuses), "01"},
		{"中国共产主义青年团团员", listOf(PoliticalStatuses), "03"},
		{"学士学位", listOf(Degrees), "4"},
		{"专业技术岗位", listOf(PostCategories), "professional"},
		{"工勤", listOf(PostCategories), "worker"},
		{"以考代评", listOf(TitleMethods), "examination"},
		{"调出", listOf(Statuses), "left"},
		{"副高", listOf(Grades), "associate_senior"},
		{"yes", listOf(flags), "yes"},
		{"火星族", listOf(Ethnicities), ""},
		{"", listOf(Sexes), ""},
	}
	for _, tt := range tests {
		got, ok := tt.list.parse(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("parse %q: got %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestPostLevels(t *testing.T) {
	tests := []struct {
		in       string
		category domain.PostCategory
		level    int
		ok       bool
	}{
		{"专技十级", domain.PostProfessional, 10, true},
		{"专业技术岗位十三级", domain.PostProfessional, 13, true},
		{"专技 4 级", domain.PostProfessional, 4, true},
		{"10", "", 10, true},
		{"十级", "", 10, true},
		{"十二级", "", 12, true},
		{"管理八级", domain.PostManagement, 8, true},
		{"八级职员", domain.PostManagement, 8, true},
		{"工勤三级", domain.PostWorker, 3, true},
		{"技术工二级", domain.PostWorker, 2, true},
		{"专技", "", 0, false},
		{"高级", "", 0, false},
	}
	for _, tt := range tests {
		cat, level, ok := parsePostLevel(tt.in)
		if cat != tt.category || level != tt.level || ok != tt.ok {
			t.Errorf("%q: got %q %d %v, want %q %d %v", tt.in, cat, level, ok, tt.category, tt.level, tt.ok)
		}
	}
	names := postLevelNames()
	if len(names) != 13+10+5 || names[0] != "专技一级" || names[12] != "专技十三级" || names[13] != "管理一级" {
		t.Errorf("drop-down post levels: %v", names)
	}
}

func TestEveryCodeHasText(t *testing.T) {
	all := Codes()
	if !slices.IsSorted(all) {
		t.Error("Codes() is not sorted")
	}
	for _, c := range all {
		if !strings.HasPrefix(c, "roster.") {
			t.Errorf("code %q: want the prefix roster.", c)
		}
		if text := DefaultText(Problem{Code: c}); text == c || strings.Contains(text, "roster.") {
			t.Errorf("code %q has no text", c)
		}
	}
}

func TestDefaultText(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Row: 5, Column: "身份证号码", Field: FieldIDNumber, Code: CodeIDCheck,
			Params: map[string]any{"value": "433101198503020014"}},
			"第5行 身份证号码：“433101198503020014”的校验码错误，请核对号码"},
		{Problem{Row: 7, Field: FieldStatusDate, Code: CodeStatusDate, Params: map[string]any{"value": "退休"}},
			"第7行 状态变动时间：人员状态为“退休”时须填写状态变动时间"},
		{Problem{Code: CodeFileMissingColumns, Params: map[string]any{"columns": []string{"姓名", "身份证号"}}},
			"缺少必填的列：姓名、身份证号"},
		{Problem{Row: 3, Column: "姓名", Code: CodeNameTooLong, Params: map[string]any{"max": 30, "length": 31}},
			"第3行 姓名：最多30个字，现有31个字"},
	}
	for _, tt := range tests {
		if got := DefaultText(tt.p); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张三"},
		{" 张　三 ", "张三"},
		{"张\u00a0三", "张三"},
		{"阿依古丽・买买提", "阿依古丽·买买提"},
		{"阿依古丽•买买提", "阿依古丽·买买提"},
		{"阿依古丽‧买买提", "阿依古丽·买买提"},
		{"阿依古丽∙买买提", "阿依古丽·买买提"},
		{"阿依古丽･买买提", "阿依古丽·买买提"},
		{"阿依古丽.买买提", "阿依古丽·买买提"},
		{"阿依古丽 · 买买提", "阿依古丽·买买提"},
		{"吉𠮷", "吉𠮷"},
		{"John  Smith", "John Smith"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// listOf adapts a code list to a string parser for table tests.
func listOf[T ~string](l *CodeList[T]) interface{ parse(string) (string, bool) } {
	return parser[T]{l}
}

type parser[T ~string] struct{ l *CodeList[T] }

func (p parser[T]) parse(s string) (string, bool) {
	v, ok := p.l.Parse(s)
	return string(v), ok
}

func codesOf[T ~string](l *CodeList[T]) []string {
	var out []string
	for _, c := range l.Codes() {
		out = append(out, string(c.Code))
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func pad2(n int) string { return fmt.Sprintf("%02d", n) }
