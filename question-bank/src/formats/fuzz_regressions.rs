//! Inputs the fuzz targets (`fuzz/`) once crashed on: each must now give row errors.

use super::*;

fn import_csv(text: &str) -> Result<Imported, BankErrors> {
    import(
        Format::Csv,
        "fuzz.csv",
        text.as_bytes(),
        &ImportOptions::new("fuzz", Subject::Q1),
    )
}

/// fuzz/import_csv: a scope (适用) starting with a multi-byte character was sliced at
/// byte 1 while checking for a legacy `Q…` code.
#[test]
fn a_scope_starting_with_a_chinese_character_is_a_row_error() {
    let csv = "题号,题型,题干,选项A,选项B,答案,知识领域,知识点,适用\n\
               X-1,单选题,题干,甲,乙,A,基础知识,起重机组成与工作原理,用人单位\n";
    let errors = import_csv(csv).unwrap_err().to_string();
    assert!(errors.contains("用人单位"), "{errors}");
}

/// fuzz/import_xlsx: a cell marked as a shared string (`t="s"`) whose index is past the
/// shared-string table panicked inside calamine 0.30; calamine 0.32 reports it.
#[test]
fn a_shared_string_index_past_the_table_is_a_file_error() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let parts = [
        (
            "xl/workbook.xml",
            r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let result = import(
        Format::Xlsx,
        "fuzz.xlsx",
        &bytes,
        &ImportOptions::new("fuzz", Subject::Q1),
    );
    assert!(result.is_err());
}
