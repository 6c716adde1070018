// Package catalog holds the title catalogue (职称系列): the series of
// professional titles, the tracks inside each series, the title of each
// track at each grade, and the mapping from the GB/T 8561-2001 three-digit
// codes that older records carry.
//
// The national catalogue is data, not code: titles.json, embedded in the
// binary and returned by [Default]. A tenant whose province names titles
// differently loads its own file of the same shape with [Parse].
//
// # File format
//
// A catalogue file is one JSON object:
//
//	{
//	  "comment": "free text",
//	  "sources": ["where the data comes from", "..."],
//	  "series": [
//	    {"code": "04", "name": "卫生技术人员", "aliases": ["..."], "comment": "...",
//	     "tracks": [
//	       {"name": "护", "titles": {"full_senior": "主任护师", "intermediate": "主管护师"}}
//	     ]}
//	  ],
//	  "legacy_codes": [
//	    {"code": "253", "name": "主管护师", "series": "卫生技术人员", "title": "主管护师"}
//	  ]
//	}
//
// Series codes and names are unique; aliases are further names of a series
// (as other systems and older records spell it) and are unique too. A
// series has one or more tracks; when it has several, each is named. The
// keys of titles are the grade identifiers of [domain.Grade]; a grade a
// track lacks is left out. Within a series a title name stands for one
// grade, though several tracks may share it (技术员 in every agricultural
// track). A legacy code names the standard's own wording and the catalogue
// title it maps to. Comments and sources are for readers and are not
// loaded. Unknown keys are an error, so that a misspelt key is caught.
package catalog
