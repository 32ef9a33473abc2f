/** Bahasa Melayu: helpdesk agents taking over conversations (merged into ms.ts). */
export const msHandoff = {
  'handoff.role': 'Ejen Meja Bantuan',
  'handoff.queued':
    'Baik, saya sambungkan anda kepada ejen meja bantuan. Anda di tempat ke-{position} dalam giliran; anggaran masa menunggu lebih kurang {minutes} minit. Sementara menunggu, anda masih boleh meneruskan urusan anda di sini dan tiada maklumat yang hilang.',
  'handoff.queued.misunderstood':
    'Maaf, saya masih belum dapat memahami anda. Saya sambungkan anda kepada ejen meja bantuan. Anda di tempat ke-{position} dalam giliran; anggaran masa menunggu lebih kurang {minutes} minit.',
  'handoff.queued.error':
    'Saya telah memanggil ejen meja bantuan untuk membantu anda. Anda di tempat ke-{position} dalam giliran; anggaran masa menunggu lebih kurang {minutes} minit. Maklumat yang telah anda masukkan masih disimpan.',
  'handoff.alreadyQueued': 'Anda sudah berada dalam giliran ejen (tempat ke-{position}). Ejen akan bersama anda sebentar lagi.',
  'handoff.offHours':
    'Ejen meja bantuan bertugas {hours}. Sekarang di luar waktu tersebut, jadi anda boleh membuka tiket aduan supaya permintaan anda tidak hilang; ejen akan menghubungi anda semula.',
  'handoff.timeout':
    'Maaf, tiada ejen yang dapat mengambil perbualan anda dalam masa {minutes} minit. Anda boleh membuka tiket aduan supaya permintaan anda tidak hilang; ejen akan menghubungi anda semula.',
  'handoff.ticketButton': 'Buka tiket aduan',
  'handoff.taken': '{agent} ({role}) kini bersama anda. Semua mesej anda akan sampai kepada ejen sehingga sesi ini tamat.',
  'handoff.agentSays': '{agent} ({role}): {text}',
  'handoff.handedBack':
    '{agent} telah menyerahkan perbualan ini semula kepada saya. Kita sambung di langkah yang sama; semua maklumat anda, termasuk pembetulan oleh ejen, telah disimpan.',
  'handoff.handedBack.corrected': 'Ejen telah membetulkan: {fields}.',
  'handoff.handedBack.nothingOpen': '{agent} telah menyerahkan perbualan ini semula kepada saya. Apa lagi yang boleh saya bantu?',
  'handoff.ended': '{agent} telah menamatkan sesi bantuan. Selamat kembali! Apa yang boleh saya bantu seterusnya?',
  'handoff.days': 'Isnin,Selasa,Rabu,Khamis,Jumaat,Sabtu,Ahad',
  'handoff.hours': '{from} hingga {to}, {start} – {end}',
  'handoff.hours.always': 'setiap masa',
  'event.handoffQueued': 'Dalam giliran ejen meja bantuan',
  'event.handoffTaken': 'Diambil alih oleh ejen meja bantuan',
  'event.handoffMessage': 'Mesej dalam sesi ejen',
  'event.handoffNote': 'Catatan ejen',
  'event.handoffCorrected': 'Maklumat dibetulkan oleh ejen',
  'event.handoffReturned': 'Diserahkan semula kepada bot',
  'event.handoffEnded': 'Sesi ejen ditamatkan',
  'event.handoffTimeout': 'Tiada ejen dalam masa yang ditetapkan; tiket ditawarkan',
};
