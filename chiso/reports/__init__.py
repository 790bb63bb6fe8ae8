"""The annual report (báo cáo kết quả chuyển đổi số năm) of a unit, as PDF and XLSX."""
