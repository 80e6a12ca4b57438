from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .sheets import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("填好的 Excel 工作簿（.xlsx）"),
        help_text=_("请上传从本系统下载并填写的模板或导出文件，不超过 5 MB。上传后先预览，确认后才写入。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading, so an oversized file is never loaded into memory.
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件过大（%(size).1f MB），上限为 %(limit)d MB。"),
                params={"size": upload.size / 1024 / 1024, "limit": MAX_UPLOAD_BYTES // 1024 // 1024},
                code="too_large",
            )
        return upload
