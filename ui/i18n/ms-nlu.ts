/** Bahasa Melayu: asking before acting, and status without a number (merged into ms.ts). */
export const msNlu = {
  'nlu.confirm': 'Sebelum saya mulakan apa-apa, yang mana satu anda maksudkan? Pilih di bawah atau taip nombornya.',
  'nlu.choiceNone': 'Bukan semua ini',
  'nlu.none': 'Baik, saya tidak memulakan apa-apa. Jika anda perlukan bantuan seorang pegawai, taip "ejen".',
  'nlu.noAgent': 'Maaf, ejen meja bantuan tidak dapat dihubungi dari sembang ini sekarang.',
  'status.open.header': 'Permohonan anda yang masih dalam proses:',
  'status.open.none': 'Anda tiada permohonan yang masih dalam proses.',
  'status.open.hint': 'Untuk sejarah penuh, taip "status" diikuti nombor rujukan, contoh: status {caseId}',
};
