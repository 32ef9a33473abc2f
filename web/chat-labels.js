// The widget page's own labels, Malay first (the bot's messages come from dialogs/i18n).
window.GpkiChatLabels = {
  ms: {
    title: 'Meja Bantuan MyGPKI', subtitle: 'Infrastruktur Kunci Awam Kerajaan', langButton: 'English', langAria: 'Switch to English',
    switchUser: 'Tukar pengguna', close: 'Tutup', pickerTitle: 'Pilih pengguna demo', pickerLabel: 'Pengguna', start: 'Mula sembang',
    pickerHelp: 'Mod demo: pilih siapa anda untuk mencuba sembang.', chatLabel: 'Sembang dengan meja bantuan',
    fileHint: 'Gunakan butang klip kertas di sebelah kotak mesej untuk memuat naik fail.',
    fileTooLarge: 'Fail itu terlalu besar ({size} MB; had {max} MB) dan tidak dihantar. Sila pilih fail yang lebih kecil.',
    privacy: 'Jangan sekali-kali kongsi PIN, kata laluan atau kunci persendirian anda di sini.',
    noToken: 'Sila buka sembang ini melalui portal intranet agensi anda.', connecting: 'Menyambung…',
    error: 'Tidak dapat menyambung ke meja bantuan. Sila cuba lagi sebentar.',
    resumeFailed: 'Sesi sembang yang lama telah tamat. Sembang baharu dimulakan.',
  },
  en: {
    title: 'MyGPKI Helpdesk', subtitle: 'Government Public Key Infrastructure', langButton: 'Bahasa Melayu', langAria: 'Tukar ke Bahasa Melayu',
    switchUser: 'Switch user', close: 'Close', pickerTitle: 'Choose a demo user', pickerLabel: 'User', start: 'Start chat',
    pickerHelp: 'Demo mode: choose who you are to try the chat.', chatLabel: 'Chat with the helpdesk',
    fileHint: 'Use the paperclip button next to the message box to upload the file.',
    fileTooLarge: 'That file is too large ({size} MB; the limit is {max} MB) and was not sent. Please choose a smaller file.',
    privacy: 'Never share your PIN, password or private key here.',
    noToken: 'Please open this chat from your agency intranet portal.', connecting: 'Connecting…',
    error: 'Cannot reach the helpdesk. Please try again shortly.',
    resumeFailed: 'Your earlier chat session has expired. A new chat has started.',
  },
};
